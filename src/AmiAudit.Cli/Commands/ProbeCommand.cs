using System.CommandLine;
using AmiAudit.Cli.Infrastructure;
using AmiAudit.Cli.Infrastructure.Io;
using AmiAudit.Collectors.Probes;
using AmiAudit.Collectors.Probes.Cpu;
using AmiAudit.Collectors.Probes.Ena;
using AmiAudit.Collectors.Probes.Memcg;
using AmiAudit.Core.Health;
using AmiAudit.Core.Model;
using AmiAudit.Reporting.Escaping;
using AmiAudit.Core.Redaction;

namespace AmiAudit.Cli.Commands;

/// <summary>
/// <c>amiaudit probe [memcg|cpu|ena|all]</c>: the node health probes, for the on-call (console),
/// node_exporter (prometheus textfile), node-problem-detector (npd) or a pipeline (json).
/// The npd format follows NPD's custom-plugin contract — exit 0 ok, 1 problem, 2 unknown, one
/// short line — the only exception to the exit-code table.
/// </summary>
public sealed class ProbeCommand : IVerb
{
    private static readonly string[] Probes = ["all", "memcg", "cpu", "ena", "loops"];
    private static readonly string[] Formats = ["console", "json", "prometheus", "npd"];

    public Command Build(CliContext context)
    {
        var which = Choice.Argument("probe", Probes, "all", "memcg, cpu, ena, loops (crash-looping units and containers) or all.");
        var window = new Option<string>("--window") { Description = "CPU sampling window (1 Hz), e.g. 10s; 0s = one instantaneous read.", DefaultValueFactory = _ => "10s" };
        var hostRoot = new Option<string>("--host-root") { Description = "Where the host's /proc, /sys, /dev/kmsg and journal are mounted (DaemonSet: /host).", DefaultValueFactory = _ => "/" };
        var kernelLog = new Option<string?>("--kernel-log") { Description = "Read a saved kernel log (dmesg, journalctl -k, or journalctl -k -o json) instead of /dev/kmsg." };
        var format = Choice.Option("--format", ["-f"], Formats, "console", "console (one verdict per probe), json, prometheus (node_exporter textfile) or npd.");
        var output = CommonOptions.Output();
        var journalDir = new Option<string?>("--journal-dir") { Description = "probe loops: read crash loops from a journal directory copied off a node (journalctl reads it; no live systemd)." };
        var journalExport = new Option<string?>("--journal-export") { Description = "probe loops: read crash loops from a saved `journalctl -o export`, `-o json` or plain `journalctl [-u UNIT]` output." };
        var since = TimeBounds.Since();
        var until = TimeBounds.Until();

        var command = new Command("probe", "Run the node health probes: dying memory cgroups, per-core CPU saturation, ENA resets, crash loops.\n\n" +
            "Crash loops are read from systemd units and Docker containers (live systemd + Docker Engine API;\n" +
            "unavailable ones are said so).\n\n" +
            "Examples:\n  amiaudit probe\n  amiaudit probe memcg --format npd\n  amiaudit probe --format prometheus --output /var/lib/node_exporter/textfile/amiaudit.prom\n" +
            "  amiaudit probe ena --kernel-log dmesg.txt\n  amiaudit probe loops --journal-dir ./node-42/journal --since 2026-03-03T00:00:00Z")
        {
            which, window, hostRoot, kernelLog, format, output, journalDir, journalExport, since, until,
        };
        command.SetAction(parse =>
        {
            var probe = parse.GetValue(which) ?? "all";
            var fmt = parse.GetValue(format) ?? "console";
            var host = new HostPaths(parse.GetValue(hostRoot));
            if (!Directory.Exists(host.Root)) throw new InvalidInputException($"--host-root {host.Root}: no such directory");
            var log = parse.GetValue(kernelLog);
            var path = parse.GetValue(output);
            InputsAndOutput.EnsureDistinct(path, log is null ? [] : [new InputRef("--kernel-log", log)]);
            var span = Durations.Parse(parse.GetValue(window), "--window");
            var (from, to) = TimeBounds.Parse(parse.GetValue(since), parse.GetValue(until), context.Now);
            var fromJournal = parse.GetValue(journalDir) is not null || parse.GetValue(journalExport) is not null;
            if (fromJournal && probe != "loops") throw new UsageException("--journal-dir / --journal-export go with 'probe loops'");
            if (parse.GetValue(journalDir) is not null && parse.GetValue(journalExport) is not null) throw new UsageException("give one of --journal-dir DIR or --journal-export FILE");
            if (parse.GetValue(journalExport) is { } export) InputsAndOutput.EnsureDistinct(path, [new InputRef("--journal-export", export)]);
            var facts = new ProbeFacts();
            // The window is silent time; on a terminal, say what we are waiting for (stderr, cleared after).
            if (!fromJournal && span > TimeSpan.Zero && probe is "all" or "cpu" or "loops")
                context.Progress($"amiaudit: sampling {parse.GetValue(window)}…");
            if (!fromJournal)
                using (var logStream = log is null ? null : OpenKernelLog(log))
                    facts = Collect(probe, host, span, log, logStream, context);
            context.Interruption.ThrowIfRequested();
            var loops = fromJournal ? JournalCrashLoops(parse.GetValue(journalDir), parse.GetValue(journalExport), from, to)
                : probe is "all" or "loops" ? CrashLoops(host, span, context) : null;
            context.Progress(null);
            context.Interruption.ThrowIfRequested();

            var verdicts = Verdicts(facts);
            if (loops is not null) verdicts.AddRange(LoopVerdicts(loops));
            var text = fmt switch
            {
                "json" => SnapshotJson.Serialize((loops ?? new Snapshot()) with { Target = new TargetInfo { Kind = "live", CollectedAt = context.Now, Root = host.Root }, Probes = facts }),
                "prometheus" => ProbeMetrics.ToPrometheus(facts),
                "npd" => ConsoleLines([NpdLine(facts, verdicts)]),
                _ => ConsoleLines(verdicts),
            };
            OutputFile.Write(context, path, text);
            return fmt == "npd" ? Math.Max(NpdExit(facts), loops is not null && NodeHealth.CrashLoops(loops).Any() ? 1 : 0) : ExitCodes.Passed;
        });
        return command;
    }

    /// <summary>
    /// Console and npd text: one verdict per line. Verdicts quote the host (process names from /proc/PID/comm,
    /// unit and container names, kernel-log excerpts), so each goes through <see cref="ReportText.Printable"/>:
    /// a process renamed to "\x1b[2J\nmemcg: 0 - ok" prints as one line with visible escapes, not a cleared
    /// screen and a forged verdict.
    /// </summary>
    internal static string ConsoleLines(IEnumerable<string> verdicts) =>
        string.Concat(verdicts.Select(v => ReportText.Printable(v) + "\n"));

    /// <summary>--kernel-log through the input-file guards: a FIFO or /dev/zero is refused (exit 3), not read forever.</summary>
    private static Stream OpenKernelLog(string path)
    {
        try
        {
            return InputFile.OpenStream(path, InputFile.KernelLogMaxBytes);
        }
        catch (InputFileException e)
        {
            throw new InvalidInputException(e.Reason == "no such file" ? $"--kernel-log {path}: no such file" : $"{path}:1:1: {e.Reason}; not a kernel log");
        }
    }

    internal static ProbeFacts Collect(string probe, HostPaths host, TimeSpan window, string? kernelLog, Stream? kernelLogStream, CliContext context)
    {
        var facts = new ProbeFacts();
        var stop = context.Interruption;
        if (probe is "all" or "memcg") facts = facts with { Memcg = MemcgReader.Read(host) };
        stop.ThrowIfRequested();
        if (probe is "all" or "ena") facts = facts with { Ena = EnaReader.Read(host, new EnaProbeOptions { KernelLogFile = kernelLog, KernelLogStream = kernelLogStream }) };
        stop.ThrowIfRequested();
        // The sampling window sleeps on the interruption token: SIGINT ends a 30 s window at once.
        if (probe is "all" or "cpu")
            facts = facts with { Cpu = CpuReader.Read(host, new CpuProbeOptions { Window = window, Clock = context.Clock, Sleep = t => { if (stop.Token.WaitHandle.WaitOne(t)) stop.ThrowIfRequested(); } }) };
        return SnapshotRedaction.Redact(facts); // host-controlled text (kernel lines, process names) → every format
    }

    /// <summary>Live unit and container state (systemctl show + journal, Docker Engine API) for the
    /// crash-loop verdicts; each source that cannot run says "unavailable" and the rest go on.</summary>
    internal static Snapshot CrashLoops(HostPaths host, TimeSpan window, CliContext context)
    {
        var collection = new AmiAudit.Collectors.CollectionContext
        {
            Fs = new AmiAudit.Collectors.RootFs.RootFileSystem(host.Root),
            Mode = AmiAudit.Collectors.CollectionMode.Live,
            Clock = context.Clock,
            Environment = context.Environment,
            HostRoot = host.Root,
            Window = window,
        };
        var snapshot = new Snapshot { Target = new TargetInfo { Kind = "live", CollectedAt = context.Now } };
        return AmiAudit.Collectors.SnapshotCollector.Collect(collection, snapshot,
            [new AmiAudit.Collectors.Live.LiveSystemdCollector(), new AmiAudit.Collectors.Docker.DockerEngineCollector()]);
    }

    /// <summary>Crash loops from a journal copied off a node (directory or export dump) instead of the live systemd.</summary>
    internal static Snapshot JournalCrashLoops(string? dir, string? export, DateTimeOffset? since, DateTimeOffset? until)
    {
        if (dir is not null) return AmiAudit.Collectors.Evidence.JournalLoops.FromDirectory(EvidenceInputs.CheckDirectory(dir, "--journal-dir"), since, until);
        using var stream = EvidenceInputs.OpenFile(export!, "--journal-export");
        return AmiAudit.Collectors.Evidence.JournalLoops.FromExport(stream, export!, since, until, new DateTimeOffset(File.GetLastWriteTimeUtc(export!), TimeSpan.Zero));
    }

    private static IEnumerable<string> LoopVerdicts(Snapshot s)
    {
        var loops = NodeHealth.Verdicts(s with { Probes = null });
        foreach (var line in loops) yield return line;
        if (s.Evidence?.Journal is { } journal)
        {
            // Evidence copied off a node: say what the journal held, not what a live systemd would.
            if (journal.Status != "read") yield return $"units: {journal.Status} ({journal.Reason})";
            else if (!loops.Any(l => l.StartsWith("units:", StringComparison.Ordinal)))
                yield return $"units: no crash loop among {s.Systemd.Units.Count} units in {journal.Records} journal records — ok";
            if (!loops.Any(l => l.StartsWith("containers:", StringComparison.Ordinal)) && s.Containers.Count > 0)
                yield return $"containers: no crash loop among {s.Containers.Count} containers — ok";
            yield break;
        }
        foreach (var (source, noun, count) in new[] { ("systemd-live", "units", s.Systemd.Units.Count), ("docker-engine", "containers", s.Containers.Count) })
        {
            var unavailable = s.Diagnostics.FirstOrDefault(d => d.Source == source && d.Level == "unavailable");
            if (unavailable is not null) yield return $"{noun}: unavailable ({unavailable.Message})";
            else if (!loops.Any(l => l.StartsWith(noun + ":", StringComparison.Ordinal))) yield return $"{noun}: no crash loop among {count} {noun} — ok";
        }
    }

    private static List<string> Verdicts(ProbeFacts f)
    {
        var lines = new List<string>();
        if (f.Memcg is { } m) lines.Add(NodeHealth.MemcgVerdict(m));
        if (f.Cpu is { } c) lines.Add(NodeHealth.CpuVerdict(c));
        if (f.Ena is { } e) lines.Add(NodeHealth.EnaVerdict(e));
        return lines;
    }

    private static IEnumerable<string> Statuses(ProbeFacts f) =>
        new[] { f.Memcg?.Status, f.Cpu?.Status, f.Ena?.Status }.OfType<string>();

    /// <summary>NPD: 1 when any probe found a problem, 0 when every probe that could judge said ok, else 2.</summary>
    internal static int NpdExit(ProbeFacts f)
    {
        var statuses = Statuses(f).ToList();
        if (statuses.Any(s => s is "problem" or "critical")) return 1;
        if (statuses.Any(s => s == "ok") && statuses.All(s => s is "ok" or "not-applicable" or "not-sampled")) return 0;
        return 2;
    }

    /// <summary>NPD shows the plugin's message as the condition reason: the worst verdict, kept short.</summary>
    private static string NpdLine(ProbeFacts f, List<string> verdicts)
    {
        var worst = verdicts.FirstOrDefault(v => v.EndsWith("— critical", StringComparison.Ordinal))
                    ?? verdicts.FirstOrDefault(v => v.EndsWith("— problem", StringComparison.Ordinal))
                    ?? (NpdExit(f) == 0 ? verdicts.FirstOrDefault(v => v.EndsWith("— ok", StringComparison.Ordinal)) : null)
                    ?? verdicts.FirstOrDefault() ?? "no probe ran";
        return worst.Length <= 200 ? worst : worst[..199] + "…";
    }
}
