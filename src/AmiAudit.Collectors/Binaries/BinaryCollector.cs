using AmiAudit.Collectors.RootFs;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Binaries;

/// <summary>
/// sha256 and size of the node agents (kubelet, kubectl, containerd, amazon-ecs-init) and of every
/// path a policy names. The first existing candidate per role is recorded, deduplicated by the file it
/// resolves to (/bin → /usr/bin on merged-/usr images). A missing kubelet is recorded as
/// Exists=false so a policy can require it; other roles are simply absent when missing.
/// </summary>
public sealed class BinaryCollector : ICollector
{
    /// <summary>kubelet is ~100 MB; hashing beyond this would let a sparse multi-GB file stall the scan.</summary>
    public const long HashCap = 512L * 1024 * 1024;

    private static readonly string[] BinDirs = ["/usr/bin", "/usr/local/bin", "/opt/bin", "/bin", "/usr/sbin", "/sbin"];

    private static readonly (string Role, string[] Paths)[] Known =
    [
        ("kubelet", BinDirs.Select(d => d + "/kubelet").ToArray()),
        ("kubectl", BinDirs.Select(d => d + "/kubectl").ToArray()),
        ("containerd", BinDirs.Select(d => d + "/containerd").ToArray()),
        ("ecs-init", ["/usr/libexec/amazon-ecs-init", "/usr/bin/amazon-ecs-init", "/usr/sbin/amazon-ecs-init"]),
    ];

    public string Name => "binaries";
    public int Order => 40;
    public bool AppliesTo(CollectionMode mode) => true;

    public Snapshot Collect(CollectionContext context, Snapshot snapshot)
    {
        var fs = context.Fs;
        var facts = new List<BinaryFact>();
        var seenFiles = new HashSet<string>(StringComparer.Ordinal);
        var seenPaths = new HashSet<string>(StringComparer.Ordinal);

        foreach (var (role, paths) in Known)
        {
            var found = false;
            foreach (var path in paths)
            {
                var entry = fs.Stat(path);
                if (entry.Kind == EntryKind.Missing) continue;
                found = true;
                if (seenFiles.Add(entry.Path))
                {
                    facts.Add(Describe(fs, path, role, entry));
                    seenPaths.Add(path);
                }
                break;
            }
            if (!found && role == "kubelet")
            {
                facts.Add(new BinaryFact { Path = paths[0], Role = role, Exists = false });
                seenPaths.Add(paths[0]);
            }
        }

        foreach (var raw in context.ExtraBinaries.Distinct(StringComparer.Ordinal))
        {
            var path = RootFileSystem.Normalize(raw);
            if (!seenPaths.Add(path)) continue;
            var entry = fs.Stat(path);
            facts.Add(entry.Kind == EntryKind.Missing
                ? new BinaryFact { Path = path, Role = "policy", Exists = false }
                : Describe(fs, path, "policy", entry));
        }

        // Replace earlier facts for the same path (a re-run, or a live collector that ran first) and keep the rest.
        var recorded = facts.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        return snapshot with { Binaries = [.. snapshot.Binaries.Where(b => !recorded.Contains(b.Path)), .. facts] };
    }

    private BinaryFact Describe(RootFileSystem fs, string path, string role, RootEntry entry)
    {
        var fact = new BinaryFact { Path = RootFileSystem.Normalize(path), Role = role, Exists = entry.Kind == EntryKind.File };
        if (entry.Kind != EntryKind.File)
        {
            fs.Note(Name, "not-regular", $"{entry.Kind.ToString().ToLowerInvariant()} is not a regular file; not hashed", entry.Path);
            return fact;
        }
        if (entry.Size > HashCap)
        {
            fs.Note(Name, "size-capped", $"file is {entry.Size} bytes (more than {HashCap}); not hashed", entry.Path);
            return fact with { Size = entry.Size };
        }
        var hash = fs.Hash(path);
        return hash is null ? fact : fact with { Sha256 = hash.Value.Sha256, Size = hash.Value.Size };
    }
}
