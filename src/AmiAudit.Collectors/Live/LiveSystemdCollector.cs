using System.Globalization;
using AmiAudit.Collectors.Live.Process;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Live;

/// <summary>
/// Live unit state from the running systemd, merged into the units the offline collector
/// (Order 10) read from disk: one <c>systemctl list-units</c> to learn what is loaded, then
/// <c>systemctl show</c> for all names in a few batched invocations (never one process per unit),
/// then one <c>journalctl -o json _PID=1</c> query for restart / failure records in the window.
/// No systemd (a container, this CI host) → one "unavailable" diagnostic and nothing else changes.
/// </summary>
public sealed class LiveSystemdCollector : ICollector
{
    public const string Source = "systemd-live";
    /// <summary>Names per <c>systemctl show</c> invocation: far below ARG_MAX, few processes on big hosts.</summary>
    public const int ShowBatchSize = 256;
    /// <summary>Journal look-back when the collection has no window.</summary>
    public static readonly TimeSpan DefaultJournalWindow = TimeSpan.FromHours(24);

    private readonly CommandTarget? _target;
    private readonly IProcessRunner? _runner;

    public LiveSystemdCollector() { }

    /// <summary>Explicit target (tests, or a caller that knows where systemd runs).</summary>
    public LiveSystemdCollector(CommandTarget target, IProcessRunner? runner = null)
    {
        _target = target;
        _runner = runner;
    }

    public string Name => Source;
    public int Order => 15;
    public bool AppliesTo(CollectionMode mode) => mode == CollectionMode.Live;

    public Snapshot Collect(CollectionContext context, Snapshot snapshot)
    {
        var target = _target ?? CommandTarget.ForHostRoot(context.HostRoot);
        var runner = target.Wrap(_runner ?? context.ProcessRunner ?? SystemProcessRunner.Instance);

        // sd_booted(3): systemd is PID 1 iff /run/systemd/system exists. With a host root other than
        // "/", the host tree must say so too — a fixture tree without it never reaches the real bus.
        if (_target is null && target.NamespacePid is not null && !Directory.Exists(Path.Combine(context.HostRoot, "run/systemd/system")))
            return Unavailable(snapshot, $"systemd is not running under host root {context.HostRoot} (no run/systemd/system)");
        if (!Directory.Exists(target.HostPath("/run/systemd/system")))
            return Unavailable(snapshot, $"systemd is not running ({target.HostPath("/run/systemd/system")} missing)");

        var list = runner.Run(Systemctl(["list-units", "--all", "--plain", "--no-legend", "--no-pager"]));
        if (!list.Succeeded)
            return Unavailable(snapshot, "cannot talk to systemd: " + list.Describe(Systemctl(["list-units"])));

        var diagnostics = new List<Diagnostic>();
        var names = new SortedSet<string>(SystemctlListUnitsParser.Parse(list.Stdout), StringComparer.Ordinal);
        foreach (var u in snapshot.Systemd.Units)
            if (UnitNames.IsValidInstanceName(u.Name)) names.Add(u.Name);

        var live = ShowAll(runner, [.. names], diagnostics);
        var window = context.Window > TimeSpan.Zero ? context.Window : DefaultJournalWindow;
        var until = context.Clock.GetUtcNow();
        var journal = ReadJournal(runner, until - window, until, diagnostics);

        var units = Merge(snapshot.Systemd.Units, live, journal, window);
        return snapshot with
        {
            Systemd = snapshot.Systemd with { Units = units },
            Diagnostics = [.. snapshot.Diagnostics, .. diagnostics],
        };
    }

    /// <summary>Live fields onto the disk units (matched by any of the live unit's names); units
    /// known only live (transient, generated, runtime) are added.</summary>
    public static List<UnitFact> Merge(IReadOnlyList<UnitFact> disk, IReadOnlyList<SystemdLiveUnit> live,
        IReadOnlyDictionary<string, JournalUnitCounts>? journal, TimeSpan window)
    {
        var byName = new Dictionary<string, SystemdLiveUnit>(StringComparer.Ordinal);
        foreach (var l in live)
            foreach (var n in l.Names)
                byName.TryAdd(n, l);

        var result = new List<UnitFact>(disk.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var u in disk)
        {
            seen.Add(u.Name);
            result.Add(byName.TryGetValue(u.Name, out var l) ? Apply(u, l, journal, window) : u);
        }
        foreach (var l in live.OrderBy(l => l.Id, StringComparer.Ordinal))
        {
            if (l.Names.Any(seen.Contains) || l.LoadState == "not-found" && l.UnitFileState is null) continue;
            seen.Add(l.Id);
            var fact = new UnitFact
            {
                Name = l.Id,
                Type = UnitNames.TypeOf(l.Id),
                FragmentPath = l.FragmentPath,
                UnitFileState = l.UnitFileState ?? "",
                Description = l.Description,
            };
            result.Add(Apply(fact, l, journal, window));
        }
        return [.. result.OrderBy(u => u.Name, StringComparer.Ordinal)];
    }

    private static UnitFact Apply(UnitFact u, SystemdLiveUnit l, IReadOnlyDictionary<string, JournalUnitCounts>? journal, TimeSpan window)
    {
        u = u with
        {
            LoadState = l.LoadState,
            ActiveState = l.ActiveState,
            SubState = l.SubState,
            Result = l.Result,
            NRestarts = l.NRestarts,
            ExecMainCode = l.ExecMainCode,
            ExecMainStatus = l.ExecMainStatus,
            ActiveEnterTimestamp = l.ActiveEnterTimestamp,
        };
        if (journal is null) return u; // journal unreadable: rates unknown, not zero
        // The journal names the unit by its Id; an alias row gets the same counts as its unit.
        journal.TryGetValue(l.Id, out var c);
        var restarts = c?.RestartsScheduled ?? 0;
        return u with
        {
            RestartsPerHour = Math.Round(restarts / window.TotalHours, 3, MidpointRounding.AwayFromZero),
            FailuresInWindow = c?.Failures ?? 0,
        };
    }

    private static List<SystemdLiveUnit> ShowAll(IProcessRunner runner, IReadOnlyList<string> names, List<Diagnostic> diagnostics)
    {
        var units = new List<SystemdLiveUnit>();
        for (var i = 0; i < names.Count; i += ShowBatchSize)
        {
            var batch = names.Skip(i).Take(ShowBatchSize).ToList();
            var request = Systemctl(["show", "--no-pager", "-p", SystemctlShowParser.Properties, "--", .. batch]);
            var result = runner.Run(request);
            var parsed = SystemctlShowParser.Parse(result.Stdout);
            units.AddRange(parsed);
            // systemctl stops at the first name it rejects; keep what it printed and say what is missing.
            if (!result.Succeeded || parsed.Count < batch.Count)
                diagnostics.Add(new Diagnostic
                {
                    Source = Source, Level = "warning", Code = "systemctl-show-partial",
                    Message = $"systemctl show returned {parsed.Count} of {batch.Count} units: {result.Describe(request)}",
                });
        }
        return units;
    }

    private static IReadOnlyDictionary<string, JournalUnitCounts>? ReadJournal(IProcessRunner runner, DateTimeOffset since, DateTimeOffset until, List<Diagnostic> diagnostics)
    {
        var request = new ProcessRequest("journalctl",
        [
            "-o", "json", "--no-pager", "--quiet",
            "--since=@" + since.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            // journalctl takes whole seconds: widen to whole seconds here, the parser cuts to the exact window.
            "--until=@" + (until.ToUnixTimeSeconds() + 1).ToString(CultureInfo.InvariantCulture),
            // Journal matches on one field are ORed, on different fields ANDed: PID 1 AND (restart OR failure).
            "_PID=1", "MESSAGE_ID=" + JournalRestartParser.RestartScheduledId, "MESSAGE_ID=" + JournalRestartParser.FailureResultId,
        ])
        {
            Timeout = TimeSpan.FromSeconds(30),
            MaxOutputBytes = 64 * 1024 * 1024,
            Environment = CommandEnvironment,
        };
        var result = runner.Run(request);
        if (!result.Succeeded)
        {
            diagnostics.Add(new Diagnostic { Source = Source, Level = "warning", Code = "journal-unavailable", Message = "restart rates unknown: " + result.Describe(request) });
            return null;
        }
        var parsed = JournalRestartParser.Parse(result.Stdout, since, until);
        if (result.OutputTruncated)
            diagnostics.Add(new Diagnostic { Source = Source, Level = "warning", Code = "journal-truncated", Message = $"journal output capped at {request.MaxOutputBytes} bytes: restart counts are lower bounds" });
        if (parsed.LinesSkipped > 0)
            diagnostics.Add(new Diagnostic { Source = Source, Level = "info", Code = "journal-lines-skipped", Message = $"{parsed.LinesSkipped} of {parsed.LinesRead} journal lines were not JSON records" });
        return parsed.Units;
    }

    /// <summary>C locale and UTC so timestamps parse the same everywhere; no pager, no colour.</summary>
    private static readonly IReadOnlyDictionary<string, string> CommandEnvironment = new Dictionary<string, string>
    {
        ["LC_ALL"] = "C", ["TZ"] = "UTC", ["SYSTEMD_PAGER"] = "", ["SYSTEMD_COLORS"] = "0", ["SYSTEMD_LESS"] = "",
    };

    private static ProcessRequest Systemctl(IReadOnlyList<string> args) =>
        new("systemctl", args) { Timeout = TimeSpan.FromSeconds(15), Environment = CommandEnvironment };

    private static Snapshot Unavailable(Snapshot snapshot, string message) => snapshot with
    {
        Diagnostics = [.. snapshot.Diagnostics, new Diagnostic { Source = Source, Level = "unavailable", Code = "unavailable", Message = message }],
    };
}
