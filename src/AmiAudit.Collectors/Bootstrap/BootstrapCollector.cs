using AmiAudit.Collectors.RootFs;
using AmiAudit.Core.Model;
using AmiAudit.Core.Urls;

namespace AmiAudit.Collectors.Bootstrap;

/// <summary>
/// How the node bootstraps: cloud-init user-data (MIME parts split) and scripts, /etc/eks/bootstrap.sh,
/// rc.local, and scripts run by enabled or boot-reachable units' ExecStart/ExecStartPre (read from the
/// units the systemd collector recorded, hence Order 30). For each script it records a hash, the units
/// it enables/starts, and every URL (redacted, normalised, classified); plus cloud-init's outcome.
/// Script text itself never leaves this class.
/// </summary>
public sealed class BootstrapCollector : ICollector
{
    /// <summary>EC2 user-data is at most 16 KB and bootstrap.sh ~30 KB; 1 MiB is generous and bounds memory.</summary>
    public const long ScriptCap = 1024 * 1024;
    /// <summary>Total script bytes read per collection, so a directory of many large files cannot take minutes.</summary>
    public const long TotalBudget = 32 * 1024 * 1024;
    public const int MaxScripts = 2000;

    private static readonly HashSet<string> EnabledStates = new(StringComparer.Ordinal) { "enabled", "enabled-runtime", "linked", "linked-runtime" };

    public string Name => "bootstrap";
    public int Order => 30;
    public bool AppliesTo(CollectionMode mode) => true;

    public Snapshot Collect(CollectionContext context, Snapshot snapshot)
    {
        var run = new Run(context.Fs, Name);

        run.AddScript("/var/lib/cloud/instance/user-data.txt", "user-data");
        foreach (var instance in run.Fs.List("/var/lib/cloud/instances").Where(e => e.Kind == EntryKind.Directory))
            run.AddScript(instance.Path + "/user-data.txt", "user-data");

        run.AddDirectory("/var/lib/cloud/instance/scripts", "cloud-init-script");
        foreach (var instance in run.Fs.List("/var/lib/cloud/instances").Where(e => e.Kind == EntryKind.Directory))
            run.AddDirectory(instance.Path + "/scripts", "cloud-init-script");
        foreach (var frequency in (string[])["per-boot", "per-instance", "per-once"])
            run.AddDirectory("/var/lib/cloud/scripts/" + frequency, "cloud-init-script");

        run.AddScript("/etc/eks/bootstrap.sh", "eks-bootstrap");
        run.AddScript("/etc/rc.local", "rc-local");
        run.AddScript("/etc/rc.d/rc.local", "rc-local");

        foreach (var unit in snapshot.Systemd.Units.Where(u => u.StartsAtBoot || EnabledStates.Contains(u.UnitFileState)))
        {
            foreach (var exec in unit.ExecStartPre.Concat(unit.ExecStart))
            {
                var command = ExecCommand.Parse(exec);
                if (command is null) continue;
                if (command.InlineCommand is not null)
                {
                    // bash -c '…' in the unit itself: its URLs count, located at the unit file (line unknown → 0).
                    run.Urls.AddRange(UrlExtractor.Extract(command.InlineCommand, unit.FragmentPath ?? unit.Name, 0)
                        .Select(u => u with { Line = 0 }));
                    continue;
                }
                var path = command.ScriptArgument ?? command.Program;
                if (!path.StartsWith('/') || path.Contains('$')) continue;
                run.AddScript(path, "unit-exec", unit.Name, mustLookLikeScript: command.ScriptArgument is null);
            }
        }

        return snapshot with
        {
            Bootstrap = new BootstrapFacts
            {
                Scripts = [.. run.Scripts.Values],
                Urls = run.Urls,
                CloudInit = CloudInitOutcomeReader.Read(run.Fs, Name),
            },
        };
    }

    private sealed class Run(RootFileSystem fs, string source)
    {
        private long _budget = TotalBudget;
        public RootFileSystem Fs { get; } = fs;
        /// <summary>Keyed by the resolved in-root path, so /var/lib/cloud/instance → instances/i-… is read once.</summary>
        public Dictionary<string, ScriptFact> Scripts { get; } = new(StringComparer.Ordinal);
        public List<UrlFact> Urls { get; } = [];

        public void AddDirectory(string dir, string kind)
        {
            foreach (var entry in Fs.List(dir))
            {
                if (entry.Kind is EntryKind.Directory) continue;
                AddScript(entry.Path, kind);
            }
        }

        public void AddScript(string path, string kind, string? referencedBy = null, bool mustLookLikeScript = false)
        {
            var entry = Fs.Stat(path);
            if (entry.Kind == EntryKind.Missing) return;
            if (entry.Kind != EntryKind.File)
            {
                if (entry.Kind != EntryKind.Directory)
                    Fs.Note(source, "not-regular", $"{entry.Kind.ToString().ToLowerInvariant()} is not a regular file; not opened", entry.Path);
                return;
            }
            if (Scripts.TryGetValue(entry.Path, out var known))
            {
                if (referencedBy is not null && !known.ReferencedBy.Contains(referencedBy)) known.ReferencedBy.Add(referencedBy);
                return;
            }
            if (Scripts.Count >= MaxScripts)
            {
                Fs.Note(source, "too-many-scripts", $"more than {MaxScripts} scripts; the rest were not read", path);
                return;
            }

            string? text = null;
            if (mustLookLikeScript && !path.EndsWith(".sh", StringComparison.Ordinal))
            {
                // A unit's program is a script only if it starts with #!; binaries (usually > 1 MiB) are not read at all.
                if (entry.Size > ScriptCap || !Fs.HasPrefix(path, "#!"u8)) return;
            }
            text ??= Read(path, entry.Size);

            var normalized = RootFileSystem.Normalize(path);
            var fact = new ScriptFact
            {
                Path = normalized,
                Kind = kind,
                Size = entry.Size,
                // The hash of a capped file would be the hash of something that is not the file: leave it out.
                Sha256 = entry.Size <= ScriptCap ? Fs.Hash(path)?.Sha256 : null,
                ReferencedBy = referencedBy is null ? [] : [referencedBy],
            };
            if (text is not null)
            {
                var starts = new SortedSet<string>(StringComparer.Ordinal);
                if (kind == "user-data" && text.StartsWith('\u001f'))
                    Fs.Note(source, "not-decoded", "user-data is gzip-compressed; its content was not inspected", normalized, "info");
                var parts = kind == "user-data" ? UserDataParts.Split(text) : [new UserDataPart("text/x-shellscript", text, 1)];
                foreach (var part in parts)
                {
                    Urls.AddRange(UrlExtractor.Extract(part.Text, normalized, part.FirstLine));
                    starts.UnionWith(SystemctlStarts.Find(part.Text));
                }
                fact = fact with { StartsUnits = [.. starts] };
            }
            Scripts[entry.Path] = fact;
        }

        private string? Read(string path, long size)
        {
            if (_budget <= 0)
            {
                Fs.Note(source, "budget-exhausted", $"read {TotalBudget} bytes of scripts; the rest were recorded without their content", path);
                return null;
            }
            _budget -= Math.Min(size, ScriptCap);
            return Fs.ReadText(path, ScriptCap);
        }
    }
}
