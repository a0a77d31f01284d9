using AmiAudit.Collectors.RootFs;
using CsCheck;

namespace AmiAudit.Fuzz;

/// <summary>
/// RootFileSystem reaches files two ways (RootFileSystem.Descriptors.cs): openat2 with
/// RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS, and its own O_PATH|O_NOFOLLOW walk (older kernels, and the
/// naming of what was reached). Differential property over random trees of directories, files and
/// links (relative, absolute, "..", dangling, loops, through files): both answer the same — the same
/// file content or none, the same "is a file / is a directory" — and neither ever reads the file
/// that sits next to the root, outside it.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class RootResolverDifferentialTests
{
    private const string Outside = "OUTSIDE-THE-ROOT";
    private static readonly string[] Names = ["a", "b", "c", "..", "."];

    private static readonly Gen<string> RelativePath =
        Gen.OneOf(Names).Array[1, 4].Select(parts => string.Join('/', parts));

    private static readonly Gen<string> LinkTarget = Gen.OneOf(
        RelativePath,
        RelativePath.Select(p => "/" + p),
        Gen.OneOf("/", "..", "../..", "../../outside", "/../outside", "../../../../outside", "", "a/../../outside"));

    /// <summary>(path, kind 0=dir 1=file 2=link, link target)</summary>
    private static readonly Gen<(string Path, int Kind, string Target)[]> Tree =
        Gen.Select(Gen.OneOf("a", "b", "c").Array[1, 3].Select(p => string.Join('/', p)), Gen.Int[0, 2], LinkTarget).Array[1, 12];

    [Fact]
    public void Openat2_and_the_walk_reach_the_same_files_and_never_leave_the_root()
    {
        if (!RootFileSystem.Openat2Supported) return; // nothing to compare against: the walk is all there is
        Gen.Select(Tree, Gen.OneOf(RelativePath, RelativePath.Select(p => "/" + p)).Array[1, 8]).Sample((tree, queries) =>
        {
            var parent = Directory.CreateTempSubdirectory("amiaudit-resolve-").FullName;
            try
            {
                File.WriteAllText(Path.Combine(parent, "outside"), Outside);
                var root = Path.Combine(parent, "root");
                Directory.CreateDirectory(root);
                Build(root, tree);
                var kernel = new RootFileSystem(root);
                var walk = new RootFileSystem(root) { UseOpenat2 = false };
                foreach (var q in queries)
                {
                    var a = kernel.ReadText(q);
                    var b = walk.ReadText(q);
                    if (a != b) throw new InvalidOperationException($"ReadText({q}): openat2 {Show(a)}, walk {Show(b)}");
                    if (a == Outside) throw new InvalidOperationException($"ReadText({q}) read the file outside the root");
                    if (kernel.FileExists(q) != walk.Stat(q).Kind.Equals(EntryKind.File)
                        || kernel.DirectoryExists(q) != walk.Stat(q).Kind.Equals(EntryKind.Directory))
                        throw new InvalidOperationException($"{q}: openat2 and the walk disagree on its type");
                }
            }
            finally
            {
                Directory.Delete(parent, recursive: true);
            }
        }, iter: 1_500, threads: 1, print: t => string.Join("; ", t.Item1.Select(e => $"{e.Path}:{e.Kind}:{e.Target}")) + " | " + string.Join(", ", t.Item2));
    }

    /// <summary>Creates the entries without ever following a link (a parent that is a link or a file
    /// skips the entry): building a hostile tree must not write outside it.</summary>
    private static void Build(string root, (string Path, int Kind, string Target)[] tree)
    {
        foreach (var (path, kind, target) in tree)
        {
            var parts = path.Split('/');
            var dir = root;
            var ok = true;
            foreach (var part in parts[..^1])
            {
                dir = Path.Combine(dir, part);
                var info = new DirectoryInfo(dir);
                if (info.LinkTarget is not null || File.Exists(dir)) { ok = false; break; }
                if (!info.Exists) Directory.CreateDirectory(dir);
            }
            var host = Path.Combine(dir, parts[^1]);
            if (!ok || new FileInfo(host).LinkTarget is not null || File.Exists(host) || Directory.Exists(host)) continue;
            switch (kind)
            {
                case 0: Directory.CreateDirectory(host); break;
                case 1: File.WriteAllText(host, "content of /" + path); break;
                default: if (target.Length > 0) File.CreateSymbolicLink(host, target); break;
            }
        }
    }

    private static string Show(string? s) => s is null ? "nothing" : $"\"{s}\"";
}
