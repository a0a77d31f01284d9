using System.Globalization;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Probes.Ena;

/// <summary>One reset episode as the log tells it (for timelines): when, on which interface, and why.</summary>
public sealed record EnaResetEpisode(string Interface, double? Seconds, LogTimeKind TimeKind, bool Implied, bool Failed, string? Cause);

/// <summary>
/// Turns ENA messages (in log order) into per-interface facts. Shared by the live probe and the
/// post-mortem kernel-log evidence, so both count the same way.
/// <list type="bullet">
/// <item>Attribution: the interface the line names; else the interface its PCI address maps to (sysfs, or any
/// line of the same device anywhere in the log); else the interface of the nearest preceding ENA line; else the
/// only ENA interface known; else the PCI address (or "unknown").</item>
/// <item>Resets are counted per episode: a cause (TX watchdog, lost-completion threshold, keep-alive, MSI-X,
/// admin queue down, device request) opens one; "Resetting the device" / "Trigger reset is on" / "Device reset
/// completed|failed" close it as an explicit reset (several of them are one reset). A cause nothing closes — the
/// excerpt ends, the same cause repeats, or 30 s pass — is still a reset (the driver always resets after one),
/// counted and marked implied. "FW isn't responsive, skipping reset routine" closes a cause without a reset.</item>
/// <item>Missed TX completions are counted per queue; NAPI starvation compares each line's "time since napi"
/// with the threshold it names (or the completion timeout last seen, or 5 s).</item>
/// <item>Stats-dump lines are the reset's counters ("wd_expired", "interface_up" …), never events.</item>
/// </list>
/// </summary>
public sealed class EnaAggregator
{
    /// <summary>TX_TIMEOUT = 5 * HZ: the default watchdog and missing-completion timeout (node-facts 1.3).</summary>
    public const double DefaultThresholdMs = 5000;
    private const double EpisodeGapSeconds = 30;

    /// <summary>Events held for the whole-log pass; past this many (a huge log) the aggregator counts as it reads.</summary>
    public const int MaxHeldEvents = 100_000;

    private readonly List<EnaEvent> _events = [];
    private readonly Dictionary<string, string> _bdfToInterface = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string?> _knownInterfaces = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _named = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, Builder> _builders = new(StringComparer.Ordinal);
    private readonly List<EnaResetEpisode> _episodes = [];
    private string? _previous, _globalVersion;
    private bool _streaming;
    private int _count;

    /// <summary>Interfaces known from outside the log (sysfs), with their PCI address.</summary>
    public void AddInterface(string name, string? pciAddress)
    {
        _knownInterfaces[name] = pciAddress;
        _named.Add(name);
        _builders.TryAdd(name, new Builder(name, pciAddress));
        if (pciAddress is not null) _bdfToInterface[pciAddress] = name;
    }

    /// <summary>One event, in log order. Events are held so that names the log gives later (a PCI address named
    /// further down, the only interface of the whole log) still attribute earlier lines; a log with more than
    /// <see cref="MaxHeldEvents"/> ENA lines is attributed as it is read from then on, so memory stays bounded.</summary>
    public void Add(EnaEvent e)
    {
        _count++;
        if (e.Bdf is not null && e.Interface is not null) _bdfToInterface.TryAdd(e.Bdf, e.Interface);
        if (e.Interface is not null) _named.Add(e.Interface);
        if (_streaming) { Dispatch(e); return; }
        _events.Add(e);
        if (_events.Count >= MaxHeldEvents) Flush();
    }

    public int Count => _count;

    /// <summary>Per-interface facts (sorted by name) and the reset episodes in log order.</summary>
    public (List<EnaInterface> Interfaces, List<EnaResetEpisode> Episodes, string? DriverVersion) Build(
        IReadOnlyDictionary<string, SortedDictionary<string, long>>? counters = null)
    {
        Flush();
        foreach (var b in _builders.Values) b.Finish(_episodes);
        var built = _builders.Values
            .Select(b => b.Build(_globalVersion, counters?.GetValueOrDefault(b.Name)))
            // A banner-only device (driver loaded, nothing happened) still shows, so the version is on record.
            .ToList();
        return (built, [.. _episodes], _globalVersion ?? built.Select(i => i.DriverVersion).FirstOrDefault(v => v is not null));
    }

    /// <summary>Attributes and counts the held events with everything the log has said so far, then counts as it reads.</summary>
    private void Flush()
    {
        foreach (var e in _events) Dispatch(e);
        _events.Clear();
        _events.TrimExcess();
        _streaming = true;
    }

    private void Dispatch(EnaEvent e)
    {
        if (e.Kind == EnaEventKind.DriverBanner && e.Interface is null && e.Bdf is null)
        {
            _globalVersion = e.DriverVersion ?? _globalVersion; // "ena: Elastic Network Adapter (ENA) v1.1.2": the module, not one device
            return;
        }
        var only = OnlyInterface();
        // The nearest preceding line's interface, else the only one — unless that one is known to be another device.
        var name = e.Interface
                   ?? (e.Bdf is not null && _bdfToInterface.TryGetValue(e.Bdf, out var mapped) ? mapped : null)
                   ?? (_previous is not null && SameDevice(PciOf(_previous), e.Bdf) ? _previous : null)
                   ?? (only is not null && SameDevice(PciOf(only), e.Bdf) ? only : null)
                   ?? e.Bdf ?? "unknown";
        if (!_builders.TryGetValue(name, out var b))
            _builders[name] = b = new Builder(name, e.Bdf ?? _bdfToInterface.FirstOrDefault(kv => kv.Value == name).Key);
        b.Add(e, _episodes);
        if (e.Kind is not (EnaEventKind.DriverBanner or EnaEventKind.StatsCounter)) _previous = name;
    }

    // Every mapped name came from a line or sysfs, so _named holds them all.
    private string? OnlyInterface() => _named.Count == 1 ? _named.Min : null;

    private string? PciOf(string name) =>
        _builders.TryGetValue(name, out var b) && b.Pci is not null ? b.Pci : _bdfToInterface.FirstOrDefault(kv => kv.Value == name).Key;

    private static bool SameDevice(string? known, string? bdf) => bdf is null || known is null || known == bdf;

    private enum State { Idle, Pending, InReset }

    private sealed class Builder(string name, string? pci)
    {
        public string? Pci => pci;
        private readonly List<string> _reasons = [];
        private readonly SortedDictionary<string, long> _missedByQueue = new(StringComparer.Ordinal);
        private readonly SortedDictionary<string, long> _resetCounters = new(StringComparer.Ordinal);
        private readonly HashSet<EnaEventKind> _pendingKinds = [];
        private long _explicit, _implied, _failures, _txTimeouts, _missing, _keepAlive, _admin, _watchdogs, _starved;
        private double? _maxDelay, _ratio;
        private double _completionTimeoutMs = DefaultThresholdMs;
        private string? _version;
        private State _state = State.Idle;
        private bool _episodeFailed, _triggerSeen;
        private double? _pendingSince;
        private LogTimeKind _pendingKind;
        private string? _pendingCause;

        public string Name => name;

        public void Add(EnaEvent e, List<EnaResetEpisode> episodes)
        {
            switch (e.Kind)
            {
                case EnaEventKind.TxPaused:
                    _txTimeouts++;
                    Reason($"TX q {e.Queue} paused");
                    if (e.NapiScheduled is { } s) Reason(s ? "napi scheduled but not run" : "napi not scheduled");
                    Napi(e.NapiDelayMs, e.ThresholdMs);
                    Cause(e, "TX queue paused", episodes);
                    break;
                case EnaEventKind.NapiStarved:
                    _starved++;
                    Reason("napi starved");
                    break;
                case EnaEventKind.TransmitTimeout:
                    _txTimeouts++;
                    Reason("transmit timeout");
                    Cause(e, "transmit timeout", episodes);
                    break;
                case EnaEventKind.TxTimeoutInvalidQueue: _txTimeouts++; Reason($"TX timeout on invalid q {e.Queue}"); break;
                case EnaEventKind.MissingTxThreshold:
                    _missing++;
                    if (e.ThresholdMs is { } t) _completionTimeoutMs = t;
                    Reason(e.Queue is { } q ? $"missing TX completions q {q}" : "missing TX completions");
                    Napi(e.NapiDelayMs, e.ThresholdMs ?? _completionTimeoutMs);
                    Cause(e, "lost TX completions above threshold", episodes);
                    break;
                case EnaEventKind.MissingTxPacket:
                    // One line per packet: counted per queue; the threshold line is the event.
                    var key = (e.Queue ?? -1).ToString(CultureInfo.InvariantCulture);
                    _missedByQueue[key] = _missedByQueue.GetValueOrDefault(key) + (e.Count ?? 1);
                    if (e.ThresholdMs is { } pt) _completionTimeoutMs = pt;
                    Napi(e.NapiDelayMs, e.ThresholdMs ?? _completionTimeoutMs);
                    break;
                case EnaEventKind.NoCompletionDescriptors: Reason($"no completions in CQ {e.Queue}"); break;
                case EnaEventKind.CompletionDescriptorsFound: Reason($"missed interrupt CQ {e.Queue}"); break;
                case EnaEventKind.KeepAliveTimeout: _keepAlive++; Reason("keep-alive timeout"); Cause(e, "keep-alive timeout", episodes); break;
                case EnaEventKind.MsixIssue: Reason($"MSI-X issue q {e.Queue}"); Cause(e, "MSI-X issue", episodes); break;
                case EnaEventKind.AdminQueueError: _admin++; Reason("admin queue error"); break;
                case EnaEventKind.AdminQueueDown:
                    // The one admin error the timer resets the device on (ENA_REGS_RESET_ADMIN_TO).
                    _admin++;
                    Reason("admin queue not running");
                    Cause(e, "admin queue not running", episodes);
                    break;
                case EnaEventKind.FwUnresponsive:
                    Reason("firmware unresponsive");
                    if (_state == State.Pending) { _state = State.Idle; _pendingKinds.Clear(); }
                    break;
                case EnaEventKind.TriggerReset:
                    // The timer prints it once per reset and stops until the reset re-arms it: a second one is a
                    // second reset whose completion the excerpt lost.
                    if (_state != State.InReset || _triggerSeen) Open(e, episodes);
                    _triggerSeen = true;
                    break;
                case EnaEventKind.Resetting:
                    if (_state != State.InReset) Open(e, episodes);
                    break;
                case EnaEventKind.ResetCompleted:
                    if (_state != State.InReset) Open(e, episodes);
                    if (e.Status is not (null or 0)) { Failed(episodes); Reason($"reset status {e.Status}"); }
                    _version = e.DriverVersion ?? _version;
                    _state = State.Idle;
                    break;
                case EnaEventKind.ResetFailed:
                    if (_state != State.InReset) Open(e, episodes);
                    Failed(episodes);
                    Reason("reset failed");
                    break;
                case EnaEventKind.DeviceRequestedReset: Reason("device requested reset"); Cause(e, "device requested reset", episodes); break;
                case EnaEventKind.NetdevWatchdog: _watchdogs++; Reason($"netdev watchdog q {e.Queue}"); break;
                case EnaEventKind.DriverBanner: _version = e.DriverVersion ?? _version; break;
                case EnaEventKind.StatsCounter:
                    var n = e.CounterName!;
                    if (!n.StartsWith("queue_", StringComparison.Ordinal) && !n.StartsWith("total_tx_", StringComparison.Ordinal)
                        && !n.StartsWith("total_rx_", StringComparison.Ordinal) && !n.StartsWith("ena_admin_q_", StringComparison.Ordinal))
                        _resetCounters[n] = e.CounterValue ?? 0;
                    break;
            }
        }

        public void Finish(List<EnaResetEpisode> episodes)
        {
            if (_state == State.Pending) Implied(episodes);
            _state = State.Idle;
        }

        private void Cause(EnaEvent e, string cause, List<EnaResetEpisode> episodes)
        {
            if (_state == State.InReset) _state = State.Idle; // the previous episode's completion is not in the excerpt
            if (_state == State.Pending)
            {
                var repeated = _pendingKinds.Contains(e.Kind);
                var late = e.Seconds is { } now && _pendingSince is { } since && e.TimeKind == _pendingKind && now - since > EpisodeGapSeconds;
                if (!repeated && !late) { _pendingKinds.Add(e.Kind); return; }
                Implied(episodes);
            }
            _state = State.Pending;
            _pendingKinds.Clear();
            _pendingKinds.Add(e.Kind);
            _pendingSince = e.Seconds;
            _pendingKind = e.TimeKind;
            _pendingCause = cause;
        }

        private void Open(EnaEvent e, List<EnaResetEpisode> episodes)
        {
            _explicit++;
            _episodeFailed = false;
            _triggerSeen = false;
            var cause = _state == State.Pending ? _pendingCause : null;
            var at = _state == State.Pending && _pendingSince is not null ? _pendingSince : e.Seconds;
            var kind = _state == State.Pending && _pendingSince is not null ? _pendingKind : e.TimeKind;
            episodes.Add(new EnaResetEpisode(name, at, kind, Implied: false, Failed: false, cause));
            _state = State.InReset;
            _pendingKinds.Clear();
        }

        private void Failed(List<EnaResetEpisode> episodes)
        {
            if (_episodeFailed) return;
            _episodeFailed = true;
            _failures++;
            var i = episodes.FindLastIndex(x => x.Interface == name && !x.Implied);
            if (i >= 0) episodes[i] = episodes[i] with { Failed = true };
        }

        private void Implied(List<EnaResetEpisode> episodes)
        {
            _implied++;
            episodes.Add(new EnaResetEpisode(name, _pendingSince, _pendingKind, Implied: true, Failed: false, _pendingCause));
            _state = State.Idle;
            _pendingKinds.Clear();
        }

        private void Napi(double? delayMs, double? thresholdMs)
        {
            if (delayMs is not { } d) return;
            var threshold = thresholdMs is > 0 ? thresholdMs.Value : DefaultThresholdMs;
            if (d >= threshold) _starved++;
            if (_maxDelay is null || d > _maxDelay) _maxDelay = d;
            var r = Math.Round(d / threshold, 3);
            if (_ratio is null || r > _ratio) _ratio = r;
        }

        private void Reason(string r)
        {
            if (!_reasons.Contains(r) && _reasons.Count < 8) _reasons.Add(r);
        }

        public EnaInterface Build(string? globalVersion, SortedDictionary<string, long>? counters)
        {
            counters ??= new SortedDictionary<string, long>(StringComparer.Ordinal);
            var allowances = counters.Where(kv => kv.Key.EndsWith("_allowance_exceeded", StringComparison.Ordinal) && kv.Value > 0)
                .Select(kv => $"{kv.Key[..^"_allowance_exceeded".Length]} allowance exceeded {kv.Value.ToString("N0", CultureInfo.InvariantCulture)}");
            return new EnaInterface
            {
                Name = name,
                PciAddress = pci,
                DriverVersion = _version ?? globalVersion,
                Resets = _explicit + _implied,
                ImpliedResets = _implied,
                ResetFailures = _failures,
                TxTimeouts = _txTimeouts,
                MissingTxCompletions = _missing,
                KeepAliveTimeouts = _keepAlive,
                AdminQueueErrors = _admin,
                NetdevWatchdogs = _watchdogs,
                Reasons = [.. _reasons, .. allowances],
                Counters = counters,
                MissedTxByQueue = _missedByQueue,
                NapiStarvedEvents = _starved,
                MaxNapiDelayMs = _maxDelay,
                NapiStarvationRatio = _ratio,
                ResetCounters = _resetCounters,
            };
        }
    }
}
