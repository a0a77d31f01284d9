using AmiAudit.Collectors.Evidence.CloudInit;
using AmiAudit.Collectors.Probes.Io;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Evidence;

/// <summary>
/// <c>/var/log/cloud-init-output.log</c> (the scripts' own output: which command failed) and
/// <c>/var/log/cloud-init.log</c> (which script/module failed, with what exit status), rotations included,
/// every line read (they are small; capped like every log). The outcome files (result.json/status.json)
/// stay the bootstrap collector's; this adds the why.
/// </summary>
public sealed class CloudInitLogEvidenceCollector : ICollector
{
    public string Name => "evidence-cloud-init";
    public int Order => 45;
    public bool AppliesTo(CollectionMode mode) => mode == CollectionMode.ImageRoot;

    public Snapshot Collect(CollectionContext context, Snapshot snapshot)
    {
        var run = EvidenceRun.For(context, Name);
        var output = LogFiles.Find(run.Fs, "/var/log", "cloud-init-output.log");
        var main = LogFiles.Find(run.Fs, "/var/log", "cloud-init.log");
        if (output.Count + main.Count == 0) return snapshot;

        var evidence = run.Current(snapshot);
        var rows = new List<EvidenceSource>();
        var log = new CloudInitLog();
        var sources = new List<string>();
        // The output log first: its xtrace lines come before cloud-init's "Failed running" warning.
        foreach (var (files, kind) in new[] { (output, "cloud-init-output"), (main, "cloud-init") })
        {
            foreach (var file in run.WithinBudget(files, kind, rows))
            {
                using var stream = LogStream.Open(run.Fs, file.Path, run.Limits, Name);
                if (stream is null) continue;
                var stats = new LineStats();
                foreach (var line in BoundedReader.ReadLines(stream.Stream, run.Limits.MaxLineChars, stats)) log.AddLine(line);
                rows.Add(run.Row(file.Path, kind, stream, stats.Lines, stats.SkippedOverlong));
                sources.Add(file.Path);
            }
        }
        if (!log.Any) return snapshot with { Evidence = evidence with { Sources = [.. evidence.Sources, .. rows] } };
        var built = log.Build(sources);
        return snapshot with
        {
            Evidence = evidence with
            {
                Sources = [.. evidence.Sources, .. rows],
                CloudInit = built.FinishedAt is { } f && !run.InBounds(f) && built.FailedScript is null ? null : built,
            },
        };
    }
}
