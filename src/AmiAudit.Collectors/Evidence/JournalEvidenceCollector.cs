using System.Globalization;
using AmiAudit.Collectors.Evidence.Journal;
using AmiAudit.Collectors.Evidence.Units;
using AmiAudit.Collectors.Live.Process;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Evidence;

/// <summary>
/// The root's persistent journal (<c>/var/log/journal</c>), read with systemd's own reader — journalctl,
/// through the injected process runner, never by parsing the binary format. Validated journal files are
/// passed one by one (<see cref="JournalFiles"/>); one query asks for what the evidence needs — PID 1 and
/// user managers (SYSLOG_IDENTIFIER=systemd), kernel records, amazon-ecs-init — with --output-fields, newest
/// first (so a cap keeps the end of the story), within --since/--until. "unavailable" with the reason when
/// journalctl is missing or fails, "volatile-only" when journald kept no journal on disk.
/// </summary>
public sealed class JournalEvidenceCollector : ICollector
{
    public const string JournalDir = "/var/log/journal";
    public string Name => "evidence-journal";
    public int Order => 41;
    public bool AppliesTo(CollectionMode mode) => mode == CollectionMode.ImageRoot;

    public Snapshot Collect(CollectionContext context, Snapshot snapshot)
    {
        var run = EvidenceRun.For(context, Name);
        var evidence = run.Current(snapshot);
        var descriptions = UnitLog.DescriptionMap(snapshot.Systemd.Units);
        var result = Read(run, JournalDir, context.ProcessRunner ?? SystemProcessRunner.Instance, descriptions);
        if (result is null) return snapshot; // no journal directory and nothing to say: a root without systemd
        var (journal, builder) = result.Value;
        evidence = evidence with
        {
            Journal = journal,
            Sources = [.. evidence.Sources, new EvidenceSource
            {
                Path = JournalDir, Kind = "journal", Status = journal.Status == "read" ? "read" : "unavailable",
                Lines = journal.Records, First = journal.First, Last = journal.Last, Detail = journal.Reason,
            }],
        };
        if (builder is not null)
        {
            var units = builder.BuildUnits();
            var kernel = builder.Kernel.Build(["journal"], out var dropped);
            if (dropped > 0) run.Fs.Note(Name, "events-capped", $"{dropped} kernel events beyond {run.Limits.MaxEvents} were counted but not listed", JournalDir, "info");
            evidence = evidence with
            {
                Units = units,
                Kernel = kernel ?? evidence.Kernel,
                Ecs = builder.Ecs.Any ? builder.Ecs.Build(["journal"]) : evidence.Ecs,
            };
        }
        return snapshot with { Evidence = evidence };
    }

    /// <summary>Reads the journal files under <paramref name="dir"/>; null when there is no journal at all and the root has
    /// no journald configuration either (nothing to report). Also used by <c>probe loops --journal-dir</c>.</summary>
    public static (JournalEvidence Journal, JournalEvidenceBuilder? Builder)? Read(
        EvidenceRun run, string dir, IProcessRunner runner, IReadOnlyDictionary<string, string> descriptions)
    {
        var fs = run.Fs;
        var files = fs.DirectoryExists(dir) ? JournalFiles.Find(fs, dir, run.Limits.MaxJournalBytes, run.Source, out _) : [];
        if (files.Count == 0)
        {
            var volatileFiles = dir == JournalDir && fs.DirectoryExists("/run/log/journal") ? JournalFiles.Find(fs, "/run/log/journal", run.Limits.MaxJournalBytes, run.Source, out _) : [];
            if (volatileFiles.Count == 0)
            {
                var why = VolatileReason(fs, dir);
                if (why is null) return null;
                return (new JournalEvidence { Status = "volatile-only", Reason = why }, null);
            }
            files = volatileFiles;
        }

        var request = Query(run, files);
        var r = runner.Run(request);
        if (!r.Succeeded)
        {
            var reason = r.StartError is not null
                ? $"journalctl is not available on this host ({r.StartError}); the journal files are there but cannot be read without systemd's own reader"
                : "journalctl could not read the journal: " + r.Describe(request);
            fs.Note(run.Source, "unavailable", reason, dir, "unavailable");
            return (new JournalEvidence { Status = "unavailable", Reason = reason, Files = [.. files.Select(f => f.Path)] }, null);
        }
        var builder = new JournalEvidenceBuilder(descriptions, run.Limits.MaxEvents);
        var stats = new JournalRecordReader.Stats();
        // Newest first from journalctl (so a capped output keeps the end); the evidence wants time order.
        var records = JournalRecordReader.JsonLines(r.Stdout, stats)
            .Where(x => run.InBounds(x.Time)).ToList();
        records.Reverse();
        foreach (var rec in records) builder.Add(rec);
        string? note = null;
        if (r.OutputTruncated)
        {
            note = $"journalctl output capped at {request.MaxOutputBytes} bytes: the oldest records in the window were not read, counts are lower bounds";
            fs.Note(run.Source, "journal-truncated", note, dir);
        }
        if (stats.Skipped > 0) fs.Note(run.Source, "journal-lines-skipped", $"{stats.Skipped} journalctl output lines were not JSON records", dir, "info");
        return (new JournalEvidence
        {
            Status = "read",
            Reason = note,
            Files = [.. files.Select(f => f.Path)],
            Records = builder.Records,
            First = builder.First,
            Last = builder.Last,
        }, builder);
    }

    internal static ProcessRequest Query(EvidenceRun run, IReadOnlyList<JournalFile> files)
    {
        var args = new List<string> { "--no-pager", "--quiet", "--reverse", "-o", "json", "--output-fields=" + JournalRecord.OutputFields };
        if (run.Since is { } s) args.Add("--since=@" + s.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        if (run.Until is { } u) args.Add("--until=@" + (u.ToUnixTimeSeconds() + 1).ToString(CultureInfo.InvariantCulture));
        foreach (var f in files) args.Add("--file=" + run.Fs.HostPathOfResolved(f.Path));
        // Matches on one field are ORed, "+" ORs whole groups: systemd managers, the kernel, amazon-ecs-init.
        args.AddRange(["SYSLOG_IDENTIFIER=systemd", "+", "_TRANSPORT=kernel", "+", "SYSLOG_IDENTIFIER=amazon-ecs-init", "+", "_SYSTEMD_UNIT=ecs.service"]);
        return new ProcessRequest("journalctl", args)
        {
            Timeout = TimeSpan.FromMinutes(2),
            MaxOutputBytes = run.Limits.MaxJournalOutputBytes,
            Environment = new Dictionary<string, string> { ["LC_ALL"] = "C", ["TZ"] = "UTC", ["SYSTEMD_PAGER"] = "", ["SYSTEMD_COLORS"] = "0" },
        };
    }

    /// <summary>Why there is no persistent journal, or null when the root shows no sign of journald at all.</summary>
    private static string? VolatileReason(RootFs.RootFileSystem fs, string dir)
    {
        string? storage = null;
        foreach (var path in new[] { "/etc/systemd/journald.conf", "/usr/lib/systemd/journald.conf" }
                     .Concat(fs.List("/etc/systemd/journald.conf.d").Select(e => e.Path))
                     .Concat(fs.List("/usr/lib/systemd/journald.conf.d").Select(e => e.Path)))
        {
            var text = fs.ReadText(path, 64 * 1024);
            if (text is null) continue;
            foreach (var line in text.Split('\n'))
            {
                var t = line.Trim();
                if (t.StartsWith("Storage=", StringComparison.Ordinal)) storage = t["Storage=".Length..].Trim();
            }
        }
        var hasJournald = storage is not null || fs.FileExists("/lib/systemd/systemd-journald") || fs.FileExists("/usr/lib/systemd/systemd-journald");
        if (!hasJournald) return null;
        return storage switch
        {
            "volatile" => $"journald.conf sets Storage=volatile: the journal lived in /run and died with the node",
            "none" => "journald.conf sets Storage=none: no journal was kept",
            "persistent" => $"journald.conf sets Storage=persistent but {dir} holds no journal file (vacuumed, or journald never ran)",
            _ => $"no {dir}: with Storage=auto (the default) journald keeps the journal in /run, which died with the node",
        };
    }
}
