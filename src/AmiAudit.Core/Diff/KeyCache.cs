namespace AmiAudit.Core.Diff;

/// <summary>
/// Builds fact keys without allocating one string per key per snapshot: a fleet repeats the same ~1,600 keys on
/// every node, so each thread keeps the strings it has made and hands back the same instance next time. The key
/// is composed in a stack buffer and looked up by span; only a key never seen before becomes a new string.
/// Per thread (no locks); bounded, so a hostile fleet of unique names costs allocations, never unbounded memory.
/// This removed ~40 % of the diff's allocations and most of its gen-1 collections (docs/benchmarks.md "diff").
/// </summary>
internal static class KeyCache
{
    private const int MaxKeys = 1 << 18;
    private const int MaxKeyLength = 256;

    [ThreadStatic] private static HashSet<string>? t_keys;

    public static string Make(string kind, string subject, string attribute)
    {
        var length = kind.Length + 1 + attribute.Length + (subject.Length == 0 ? 0 : subject.Length + 1);
        if (length > MaxKeyLength) return FactKey.Make(kind, subject, attribute);
        Span<char> buffer = stackalloc char[MaxKeyLength];
        var at = 0;
        kind.CopyTo(buffer);
        at += kind.Length;
        buffer[at++] = '/';
        if (subject.Length > 0)
        {
            subject.CopyTo(buffer[at..]);
            at += subject.Length;
            buffer[at++] = '/';
        }
        attribute.CopyTo(buffer[at..]);
        var key = buffer[..length];

        var keys = t_keys ??= new HashSet<string>(StringComparer.Ordinal);
        if (keys.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var known)) return known;
        var made = new string(key);
        if (keys.Count < MaxKeys) keys.Add(made);
        return made;
    }
}
