using AmiAudit.Testing;

namespace AmiAudit.Fuzz.Engine;

/// <summary>Seed inputs: files that already live in the repository (examples, fixtures, policies), the
/// target's own Seeds/NAME folder, and every crash fixture found so far (Crashes/NAME).</summary>
public static class Corpus
{
    public static string FuzzProject => Path.Combine(RepoPaths.Root, "tests", "AmiAudit.Fuzz.Tests");

    /// <summary>Repository files by relative path; a directory contributes its files (recursively).</summary>
    public static IEnumerable<byte[]> Repo(params string[] relativePaths)
    {
        foreach (var rel in relativePaths)
        {
            var full = Path.Combine(RepoPaths.Root, rel);
            if (File.Exists(full)) yield return File.ReadAllBytes(full);
            else if (Directory.Exists(full))
                foreach (var f in Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                    yield return File.ReadAllBytes(f);
            else throw new FileNotFoundException($"seed {rel} is not in the repository");
        }
    }

    /// <summary>Seeds/NAME and the small Crashes/NAME fixtures of the fuzz project (the large ones, which
    /// hung a parser, would make every mutation of them slow; they are replayed by the crash test).</summary>
    public static IEnumerable<byte[]> Own(string target)
    {
        foreach (var dir in (string[])["Seeds", "Crashes"])
        {
            var full = Path.Combine(FuzzProject, dir, target);
            if (!Directory.Exists(full)) continue;
            foreach (var f in Directory.EnumerateFiles(full).Order(StringComparer.Ordinal))
                if (!f.EndsWith(".gz", StringComparison.Ordinal)) yield return Load(f);
        }
    }

    /// <summary>A corpus file; NAME.gz is stored compressed (the inputs that hang a parser are large and repetitive).</summary>
    public static byte[] Load(string path)
    {
        if (!path.EndsWith(".gz", StringComparison.Ordinal)) return File.ReadAllBytes(path);
        using var gz = new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        gz.CopyTo(bytes);
        return bytes.ToArray();
    }

    /// <summary>Crash fixtures of one target (regression inputs).</summary>
    public static IEnumerable<(string Name, byte[] Bytes)> Crashes(string target)
    {
        var full = Path.Combine(FuzzProject, "Crashes", target);
        if (!Directory.Exists(full)) yield break;
        foreach (var f in Directory.EnumerateFiles(full).Order(StringComparer.Ordinal)) yield return (Path.GetFileName(f), Load(f));
    }

    public static IReadOnlyList<byte[]> Of(params IEnumerable<byte[]>[] parts)
    {
        var all = parts.SelectMany(p => p).ToList();
        return all.Count > 0 ? all : [[]];
    }

    public static byte[] Text(string s) => System.Text.Encoding.UTF8.GetBytes(s);
}
