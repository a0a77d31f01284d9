using AmiAudit.Collectors.Evidence.Ecs;
using AmiAudit.Collectors.Evidence.Kernel;
using AmiAudit.Collectors.Evidence.Units;
using AmiAudit.Collectors.Probes.Ena;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Evidence.Journal;

/// <summary>
/// Sorts journal records (in time order) into unit lifecycle counts, kernel events and ECS lines. Unit
/// records are classified by MESSAGE_ID first (node-facts 4.2: restart scheduled 5eb03494… with N_RESTARTS,
/// failure result d9b373ed… with UNIT_RESULT, process exit 98e32220… with EXIT_CODE/EXIT_STATUS, job started
/// 39f53479…, start job failed be02cf68…, stopped 9d1aaa27…), with UNIT (PID 1) or USER_UNIT (user managers);
/// records without an ID (older systemd) by their text, as in syslog.
/// </summary>
public sealed class JournalEvidenceBuilder(IReadOnlyDictionary<string, string> unitByDescription, int maxEvents)
{
    public const string RestartScheduled = "5eb03494b6584870a536b337290809b3";
    public const string FailureResult = "d9b373ed55a64feb8242e02dbe79a49c";
    public const string ProcessExit = "98e322203f7a4ed290d09fe03c09fe15";
    public const string JobStarted = "39f53479d3a045ac8e11786248231fbf";
    public const string JobFailed = "be02cf6855d2428ba40df7e9d022f03d";
    public const string JobStopped = "9d1aaa27d60140bd96365438aad20286";
    public const string JobStarting = "7d4958e842da4a758f6c1cdc7b36dcc5";
    public const string JobStopping = "de5b426a63be47a7b6ac3eaac82e2f6f";

    public UnitLog Units { get; } = new(unitByDescription);
    public KernelEvents Kernel { get; } = new(maxEvents);
    public EcsLog Ecs { get; } = new();
    public long Records { get; private set; }
    public DateTimeOffset? First { get; private set; }
    public DateTimeOffset? Last { get; private set; }

    public void Add(JournalRecord r)
    {
        Records++;
        if (r.Time is { } t)
        {
            if (First is null || t < First) First = t;
            if (Last is null || t > Last) Last = t;
        }
        if (r.Transport == "kernel")
        {
            if (r.Message is { } km)
            {
                var line = new KernelLogLine(km, r.Time is { } kt ? kt.ToUnixTimeMilliseconds() / 1000.0 : null, r.Time is null ? LogTimeKind.None : LogTimeKind.Wall) { Ident = "kernel" };
                Kernel.Add(line, r.Time, "journal");
            }
            return;
        }
        if (EcsLog.IsEcsIdent(r.SyslogIdentifier) || r.SystemdUnit == "ecs.service" && r.SyslogIdentifier != "systemd")
        {
            if (r.Message is { } em) Ecs.Add(em, r.Time);
            return;
        }
        if (r.SyslogIdentifier != "systemd" && r.Pid != 1) return;
        var user = r.UserUnit is not null || (r.Pid is { } pid && pid != 1);
        var unit = r.Unit ?? r.UserUnit;
        UnitMessage? m = r.MessageId switch
        {
            RestartScheduled => new UnitMessage(UnitEventKind.RestartScheduled, unit, null) { Counter = r.NRestarts },
            FailureResult => new UnitMessage(UnitEventKind.Failed, unit, null) { Result = r.UnitResult },
            ProcessExit => new UnitMessage(UnitEventKind.ProcessExited, unit, null) { Exit = r.ExitCode is null ? null : $"code={r.ExitCode}, status={r.ExitStatus}" },
            JobStarted => r.JobResult is null or "done" ? new UnitMessage(UnitEventKind.Started, unit, null) : new UnitMessage(UnitEventKind.FailedToStart, unit, null),
            JobFailed => new UnitMessage(UnitEventKind.FailedToStart, unit, null),
            JobStopped => new UnitMessage(UnitEventKind.Stopped, unit, null),
            JobStarting or JobStopping => null,
            _ => r.Message is { } text ? SystemdMessageParser.Parse(text) : null,
        };
        if (m is null) return;
        // The text names the unit too; the structured field wins when both exist.
        if (unit is not null && m.Unit is null) m = m with { Unit = unit };
        if (m.Kind == UnitEventKind.ProcessExited && m.Exit is null && r.Message is { } msg && SystemdMessageParser.Parse(msg) is { Exit: { } exit })
            m = m with { Exit = exit };
        Units.Add(m, user, r.Time);
    }

    public List<UnitEvidence> BuildUnits() => Units.Build("journal");
}
