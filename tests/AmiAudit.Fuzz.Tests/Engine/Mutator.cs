using System.Text;

namespace AmiAudit.Fuzz.Engine;

/// <summary>
/// Turns a real input into a hostile one: byte flips, interesting bytes, truncation, deletion,
/// duplication, splices with another seed, repeated lines, huge lines, extreme numbers, invalid and
/// tricky UTF-8, NUL, deep nesting of the format's own tokens. Deterministic: the same
/// (seed, count, state) always gives the same bytes, so CsCheck's seed reproduces a failure.
/// </summary>
public static class Mutator
{
    /// <summary>Inputs never grow past this in the suite: past a few hundred KiB a parser's cost is its
    /// line or file cap, and every big input slows the run (the AFL++ campaign has no such limit).</summary>
    public const int MaxLength = 256 * 1024;

    private static readonly byte[] InterestingBytes =
        [0x00, 0xFF, 0x7F, 0x80, 0xC0, 0xEF, (byte)'\n', (byte)'\r', (byte)'\t', (byte)' ', (byte)'"', (byte)'\'', (byte)'\\',
         (byte)'=', (byte)'[', (byte)']', (byte)'{', (byte)'}', (byte)':', (byte)',', (byte)'#', (byte)';', (byte)'%',
         (byte)'$', (byte)'`', (byte)'/', (byte)'.', (byte)'-', (byte)'0', (byte)'9', (byte)'<', (byte)'>', (byte)'&', (byte)'*'];

    // Declared before CommonTokens, which includes them (static initialisers run in text order).
    private static readonly byte[][] Numbers =
    [
        .. new[]
        {
            "99999999999999999999", "-1", "-0", "0x7fffffff", "2147483648", "-2147483649", "9223372036854775808", "-9223372036854775809",
            "18446744073709551616", "1e309", "-1e309", "NaN", "Infinity", "0.000000000000000000001", "1.5", "00", "+1", "4294967296",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    private static readonly byte[][] CommonTokens =
    [
        .. new[]
        {
            "\n", "\r\n", "\\\n", "\0", "\t", " ", "\"", "\\", "é", "\u202e", "\U0001F642", "\uFEFF", "\u2028", "\u0085", "\u00a0",
            "%s", "%n", "${X}", "$(id)", "`id`", "../", "/..", "//", "http://", "https://a:b@", "s3://", "?X-Amz-Signature=", "=",
            "null", "true", "[", "]", "{", "}", ":", ",",
        }.Select(Encoding.UTF8.GetBytes),
        [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xF0, 0x9F], [0xFE], [0xFF, 0xFE], [0xC3],
        .. Numbers,
    ];

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<string>, byte[][]> TokenBytes = new();

    public static byte[] Mutate(IReadOnlyList<byte[]> seeds, int seedIndex, int count, ulong state, IReadOnlyList<string> tokens)
    {
        var rng = new Rng(state);
        var data = new List<byte>(seeds[seedIndex]);
        var targetTokens = TokenBytes.GetValue(tokens, t => t.Select(Encoding.UTF8.GetBytes).ToArray());
        for (var i = 0; i < count; i++)
        {
            Apply(data, rng, seeds, targetTokens);
            if (data.Count > MaxLength) data.RemoveRange(MaxLength, data.Count - MaxLength);
        }
        return [.. data];
    }

    private static void Apply(List<byte> d, Rng rng, IReadOnlyList<byte[]> seeds, byte[][] tokens)
    {
        byte[] Token() => tokens.Length > 0 && rng.Next(3) != 0 ? tokens[rng.Next(tokens.Length)] : CommonTokens[rng.Next(CommonTokens.Length)];
        int Pos(bool end = true) => rng.Next(d.Count + (end ? 1 : 0));

        switch (rng.Next(14))
        {
            case 0 when d.Count > 0: // flip a bit
                {
                    var p = Pos(false);
                    d[p] ^= (byte)(1 << rng.Next(8));
                    break;
                }
            case 1 when d.Count > 0: // an interesting byte
                d[Pos(false)] = InterestingBytes[rng.Next(InterestingBytes.Length)];
                break;
            case 2: // insert a token
            case 3:
                d.InsertRange(Pos(), Token());
                break;
            case 4 when d.Count > 0: // delete a range
                {
                    var p = Pos(false);
                    d.RemoveRange(p, Math.Min(d.Count - p, 1 + rng.Next(rng.Next(2) == 0 ? 8 : 256)));
                    break;
                }
            case 5: // truncate
                {
                    var p = Pos();
                    d.RemoveRange(p, d.Count - p);
                    break;
                }
            case 6 when d.Count > 0: // duplicate a range elsewhere
                {
                    var a = Pos(false);
                    var len = Math.Min(d.Count - a, 1 + rng.Next(512));
                    var copy = d.GetRange(a, len);
                    d.InsertRange(Pos(), copy);
                    break;
                }
            case 7: // splice with another seed
                {
                    var other = seeds[rng.Next(seeds.Count)];
                    var keep = Pos();
                    var from = rng.Next(other.Length + 1);
                    d.RemoveRange(keep, d.Count - keep);
                    d.AddRange(other.AsSpan(from).ToArray());
                    break;
                }
            case 8: // repeat a line many times
                {
                    var (start, end) = Line(d, Pos());
                    var line = d.GetRange(start, end - start);
                    if (line.Count == 0 || line[^1] != (byte)'\n') line.Add((byte)'\n');
                    var times = rng.Next(16) == 0 ? 200 + rng.Next(2000) : 2 + rng.Next(20);
                    var block = new List<byte>(line.Count * times);
                    for (var t = 0; t < times && block.Count < MaxLength / 2; t++) block.AddRange(line);
                    d.InsertRange(end, block);
                    break;
                }
            case 9 when rng.Next(12) == 0: // a huge line (rare: it is slow for every parser)
                {
                    var unit = rng.Next(2) == 0 ? [(byte)"aA0 \\\"é{["[rng.Next(8)]] : Token();
                    var length = rng.Next(4) switch { 0 => 4096, 1 => 16 * 1024 + 1, 2 => 65 * 1024, _ => 200 * 1024 };
                    var block = new List<byte>(length + unit.Length);
                    while (block.Count < length) block.AddRange(unit);
                    d.InsertRange(Pos(), block);
                    break;
                }
            case 10: // swap two lines
                {
                    var (a0, a1) = Line(d, Pos());
                    var (b0, b1) = Line(d, Pos());
                    if (a0 == b0 || a1 > b0 && b1 > a0) break;
                    if (a0 > b0) ((a0, a1), (b0, b1)) = ((b0, b1), (a0, a1));
                    var first = d.GetRange(a0, a1 - a0);
                    var second = d.GetRange(b0, b1 - b0);
                    d.RemoveRange(b0, b1 - b0);
                    d.InsertRange(b0, first);
                    d.RemoveRange(a0, a1 - a0);
                    d.InsertRange(a0, second);
                    break;
                }
            case 11: // replace a number with an extreme one
                {
                    var p = Pos();
                    while (p < d.Count && !IsDigit(d[p])) p++;
                    if (p >= d.Count) break;
                    var e = p;
                    while (e < d.Count && IsDigit(d[e])) e++;
                    d.RemoveRange(p, e - p);
                    d.InsertRange(p, Numbers[rng.Next(Numbers.Length)]);
                    break;
                }
            case 12 when rng.Next(10) == 0: // deep nesting / repetition of one token
                {
                    var t = Token();
                    var times = rng.Next(3) switch { 0 => 65, 1 => 1000, _ => 20_000 };
                    var block = new List<byte>(t.Length * times);
                    for (var k = 0; k < times && block.Count < MaxLength / 2; k++) block.AddRange(t);
                    d.InsertRange(Pos(), block);
                    break;
                }
            case 13 when d.Count > 0: // a NUL or CR in the middle of a line
                d.Insert(Pos(), rng.Next(2) == 0 ? (byte)0 : (byte)'\r');
                break;
            default:
                d.InsertRange(Pos(), Token());
                break;
        }
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    /// <summary>The line around position p: [start, end) including its '\n'.</summary>
    private static (int Start, int End) Line(List<byte> d, int p)
    {
        p = Math.Min(p, d.Count);
        var start = p;
        while (start > 0 && d[start - 1] != (byte)'\n') start--;
        var end = p;
        while (end < d.Count && d[end] != (byte)'\n') end++;
        if (end < d.Count) end++;
        return (start, end);
    }

    /// <summary>splitmix64: small, fast, good enough to pick mutations.</summary>
    private sealed class Rng(ulong state)
    {
        private ulong _s = state;

        public int Next(int n)
        {
            _s += 0x9E3779B97F4A7C15;
            var z = _s;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            z ^= z >> 31;
            return (int)(z % (ulong)n);
        }
    }
}
