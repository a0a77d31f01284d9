using AmiAudit.Collectors.Evidence.Journal;
using AmiAudit.Collectors.Live.Process;
using AmiAudit.Collectors.RootFs;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Evidence;

/// <summary>
/// <c>probe loops --journal-dir DIR | --journal-export FILE</c>: crash-loop evidence from a journal copied off a
/// node — a journal directory (read with journalctl, each file validated inside DIR as for a root) or a
/// <c>journalctl -o export</c> / <c>-o json</c> dump, or the text <c>journalctl [-u X]</c> prints (saved to a file). The result is a snapshot whose units and containers carry
/// the same restart rates a live probe gives, plus the evidence section and its timeline.
/// </summary>
public static class JournalLoops
{
    public const string Source = "journal-evidence";

    public static Snapshot FromDirectory(string dir, DateTimeOffset? since, DateTimeOffset? until, IProcessRunner? runner = null)
    {
        var fs = new RootFileSystem(dir);
        var run = EvidenceRun.ForDirectory(fs, Source, since, until);
        // DIR may be the journal directory itself, a machine-id directory, or a copied root.
        var journalDir = fs.DirectoryExists(JournalEvidenceCollector.JournalDir) ? JournalEvidenceCollector.JournalDir : "/";
        var result = JournalEvidenceCollector.Read(run, journalDir, runner ?? SystemProcessRunner.Instance, new Dictionary<string, string>());
        if (result is not { } r || r.Builder is null)
        {
            var why = result?.Journal.Reason ?? $"no journal files (*.journal) in {dir}";
            return Finish(fs, new Snapshot
            {
                Evidence = new EvidenceFacts { Since = since, Until = until, Journal = result?.Journal ?? new JournalEvidence { Status = "absent", Reason = why } },
                Diagnostics = [new Diagnostic { Source = Source, Level = "unavailable", Code = "unavailable", Message = why, Path = dir }],
            }, since, until);
        }
        return Finish(fs, Build(r.Builder, r.Journal, since, until), since, until);
    }

    /// <param name="reference">When the dump was written (its file's mtime): places year-less text stamps in a year.</param>
    public static Snapshot FromExport(Stream stream, string name, DateTimeOffset? since, DateTimeOffset? until, DateTimeOffset? reference = null)
    {
        var builder = new JournalEvidenceBuilder(new Dictionary<string, string>(), new EvidenceLimits().MaxEvents);
        var stats = new JournalRecordReader.Stats();
        // Dumps are in journal order; sorted again by time so a concatenation of several still reads as one story.
        var records = JournalRecordReader.Read(stream, stats, reference)
            .Where(x => (since is null || x.Time is null || x.Time >= since) && (until is null || x.Time is null || x.Time <= until))
            .OrderBy(x => x.Time ?? DateTimeOffset.MinValue).ToList();
        foreach (var rec in records) builder.Add(rec);
        var journal = new JournalEvidence
        {
            Status = stats.Records > 0 ? "read" : "absent",
            Reason = stats.Records > 0 ? null : $"no journal record in {name} (expected journalctl -o export or -o json output)",
            Files = [name],
            Records = builder.Records,
            First = builder.First,
            Last = builder.Last,
        };
        var snapshot = Build(builder, journal, since, until);
        if (stats.Skipped > 0)
            snapshot = snapshot with { Diagnostics = [.. snapshot.Diagnostics, new Diagnostic { Source = Source, Level = "info", Code = "journal-lines-skipped", Message = $"{stats.Skipped} records of {name} could not be read", Path = name }] };
        if (stats.Records == 0)
            snapshot = snapshot with { Diagnostics = [.. snapshot.Diagnostics, new Diagnostic { Source = Source, Level = "unavailable", Code = "unavailable", Message = journal.Reason!, Path = name }] };
        return Finish(new RootFileSystem(Path.GetTempPath()), snapshot, since, until);
    }

    private static Snapshot Build(JournalEvidenceBuilder builder, JournalEvidence journal, DateTimeOffset? since, DateTimeOffset? until)
    {
        var units = builder.BuildUnits();
        var facts = units.Where(u => !u.UserManager && !u.Name.StartsWith("description:", StringComparison.Ordinal))
            .Select(u => new UnitFact { Name = u.Name, Type = u.Name[(u.Name.LastIndexOf('.') + 1)..] })
            .ToList();
        return new Snapshot
        {
            Target = new TargetInfo { Kind = "fixture" },
            Systemd = new SystemdFacts { Units = facts },
            Evidence = new EvidenceFacts
            {
                Since = since,
                Until = until,
                Journal = journal,
                Units = units,
                Kernel = builder.Kernel.Build(["journal"], out _),
                Ecs = builder.Ecs.Any ? builder.Ecs.Build(["journal"]) : null,
            },
        };
    }

    private static Snapshot Finish(RootFileSystem fs, Snapshot snapshot, DateTimeOffset? since, DateTimeOffset? until)
    {
        var context = new CollectionContext { Fs = fs, Since = since, Until = until };
        var done = new EvidenceSummaryCollector().Collect(context, snapshot);
        return done with { Diagnostics = [.. done.Diagnostics, .. fs.Diagnostics] };
    }
}
