using AmiAudit.Collectors.RootFs;

namespace AmiAudit.Collectors.Evidence.Journal;

/// <summary>A journal file inside the root, validated: a regular file, its path resolved (links re-rooted).</summary>
public sealed record JournalFile(string Path, long Size, DateTime Modified);

/// <summary>
/// Finds the journal files systemd's reader is handed. journalctl must never follow a link out of the root,
/// so it does not get the directory: every <c>*.journal</c> / <c>*.journal~</c> below it (machine-id
/// subdirectories, one level) is resolved through <see cref="RootFileSystem"/>, kept only when it is a
/// regular file, and passed as <c>--file</c> with the host path of its resolved location (whose every
/// component is a real directory). Newest first until the byte cap; the rest is noted.
/// </summary>
public static class JournalFiles
{
    public static List<JournalFile> Find(RootFileSystem fs, string dir, long maxBytes, string source, out long skipped)
    {
        var all = new List<JournalFile>();
        foreach (var entry in fs.List(dir))
        {
            if (IsJournal(entry.Name)) Add(fs, entry.Path, all);
            else if (fs.Stat(entry.Path).Kind == EntryKind.Directory)
                foreach (var inner in fs.List(entry.Path))
                    if (IsJournal(inner.Name)) Add(fs, inner.Path, all);
        }
        var chosen = new List<JournalFile>();
        long total = 0;
        skipped = 0;
        foreach (var f in all.OrderByDescending(f => f.Modified).ThenBy(f => f.Path, StringComparer.Ordinal))
        {
            if (total + f.Size > maxBytes && chosen.Count > 0)
            {
                skipped++;
                fs.Note(source, "budget-exhausted", $"journal files beyond {maxBytes} bytes (the oldest) were not read", f.Path);
                continue;
            }
            total += f.Size;
            chosen.Add(f);
        }
        chosen.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return chosen;
    }

    private static bool IsJournal(string name) => name.EndsWith(".journal", StringComparison.Ordinal) || name.EndsWith(".journal~", StringComparison.Ordinal);

    private static void Add(RootFileSystem fs, string path, List<JournalFile> into)
    {
        var entry = fs.Stat(path);
        if (entry.Kind != EntryKind.File)
        {
            if (entry.Kind != EntryKind.Missing)
                fs.Note("evidence-journal", "not-regular", $"{entry.Kind.ToString().ToLowerInvariant()} is not a regular file; not handed to journalctl", path);
            return;
        }
        if (into.Any(f => f.Path == entry.Path)) return;
        DateTime modified;
        try { modified = File.GetLastWriteTimeUtc(fs.HostPathOfResolved(entry.Path)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { modified = DateTime.MinValue; }
        into.Add(new JournalFile(entry.Path, entry.Size, modified));
    }
}
