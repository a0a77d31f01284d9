using AmiAudit.Collectors.Evidence.Ecs;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Evidence;

/// <summary>
/// <c>/var/log/ecs/ecs-init.log*</c> and <c>ecs-agent.log*</c> (rotations included): agent container
/// (re)creations, exits by code, terminal exits, errors. When ecs-init's own file exists it replaces what
/// the journal or syslog said about ecs-init (the same lines, and the file keeps them longer); the agent
/// log adds its errors ("Error registering container instance", "NoCredentialProviders …").
/// </summary>
public sealed class EcsLogEvidenceCollector : ICollector
{
    private const string Dir = "/var/log/ecs";
    private static readonly byte[][] Needles = [.. EcsLog.Anchors.Select(a => System.Text.Encoding.UTF8.GetBytes(a))];

    private static bool Keep(ReadOnlySpan<byte> line)
    {
        foreach (var n in Needles) if (line.IndexOf(n) >= 0) return true;
        return false;
    }

    public string Name => "evidence-ecs";
    public int Order => 43;
    public bool AppliesTo(CollectionMode mode) => mode == CollectionMode.ImageRoot;

    public Snapshot Collect(CollectionContext context, Snapshot snapshot)
    {
        var run = EvidenceRun.For(context, Name);
        var init = LogFiles.Find(run.Fs, Dir, "ecs-init.log");
        var agent = LogFiles.Find(run.Fs, Dir, "ecs-agent.log");
        if (init.Count + agent.Count == 0) return snapshot;

        var evidence = run.Current(snapshot);
        var rows = new List<EvidenceSource>();
        var ecs = new EcsLog(run.InBounds);
        var sources = new List<string>();
        foreach (var (files, kind) in new[] { (init, "ecs-init"), (agent, "ecs-agent") })
        {
            foreach (var file in run.WithinBudget(files, kind, rows))
            {
                DateTimeOffset? first = null, last = null;
                using var stream = LogStream.Open(run.Fs, file.Path, run.Limits, Name);
                if (stream is null) { rows.Add(new EvidenceSource { Path = file.Path, Kind = kind, Status = "unreadable" }); continue; }
                var clock = new Probes.Ena.LogClock(run.Zone, stream.Modified);
                var scanner = new ByteLineScanner(run.Limits.MaxLineChars);
                scanner.Scan(stream.Stream, Keep, (line, _, _) =>
                {
                    // Files carry their own ISO stamps; a syslog-prefixed copy has the prefix's.
                    var stripped = Probes.Ena.KernelLogPrefix.Strip(line);
                    if (ecs.Add(stripped.Message, clock.Resolve(stripped)) is { } t && run.InBounds(t))
                    {
                        if (first is null || t < first) first = t;
                        if (last is null || t > last) last = t;
                    }
                }, skipFirstLine: stream.SkippedHead > 0);
                rows.Add(run.Row(file.Path, kind, stream, scanner.Lines, scanner.Overlong) with { First = first, Last = last });
                sources.Add(file.Path);
            }
        }
        var built = ecs.Build(sources);
        return snapshot with
        {
            Evidence = evidence with
            {
                Sources = [.. evidence.Sources, .. rows],
                Ecs = ecs.Any ? built : evidence.Ecs,
            },
        };
    }
}
