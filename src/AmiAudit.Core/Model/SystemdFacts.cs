namespace AmiAudit.Core.Model;

public sealed record SystemdFacts
{
    /// <summary>False when no systemd unit directory exists in the root (non-systemd image).</summary>
    public bool Available { get; init; } = true;
    public string? DefaultTarget { get; init; }
    /// <summary>Kernel releases the image carries (/lib/modules/*, /boot/vmlinuz-*): the values of %v that
    /// conditions are evaluated for. Empty for an image without a kernel of its own.</summary>
    public List<string> Kernels { get; init; } = [];
    public List<UnitFact> Units { get; init; } = [];
}

/// <summary>
/// One unit file (or alias / instance) as <c>systemctl list-unit-files</c> lists it, plus the parsed
/// fields a policy or the diff needs. Offline fields come from disk; live fields (ActiveState …) are
/// null unless a live collector filled them.
/// </summary>
public sealed record UnitFact
{
    public string Name { get; init; } = "";
    /// <summary>service, socket, target, timer, mount, path, …</summary>
    public string Type { get; init; } = "";
    /// <summary>Path inside the root of the fragment that defines it (null for masked/generated without file).</summary>
    public string? FragmentPath { get; init; }
    /// <summary>As systemctl computes it: enabled, enabled-runtime, linked, linked-runtime, alias, masked,
    /// masked-runtime, static, indirect, disabled, generated, transient, bad.</summary>
    public string UnitFileState { get; init; } = "";
    /// <summary>enable | disable | null (from *.preset files)</summary>
    public string? Preset { get; init; }
    public string? Description { get; init; }
    /// <summary>For an alias symlink: the unit it points at.</summary>
    public string? AliasOf { get; init; }
    /// <summary>For a template instance (foo@bar.service): the template name (foo@.service).</summary>
    public string? Template { get; init; }
    public List<string> DropIns { get; init; } = [];
    /// <summary>Why the unit could not be fully read: its fragment or a drop-in was unreadable, not a regular
    /// file, or did not parse (e.g. "drop-in /etc/systemd/system/ecs.service.d/x.conf could not be read: dangling
    /// symlink"), an Exec line systemd drops. The rest of the unit is still filled in. Empty when everything was read. A rule that would pass on a unit with load errors reports
    /// <c>error</c> instead: its empty fields may be empty only because they could not be read.</summary>
    public List<string> LoadErrors { get; init; } = [];

    // [Install]
    public List<string> WantedBy { get; init; } = [];
    public List<string> RequiredBy { get; init; } = [];
    public List<string> Alias { get; init; } = [];
    public List<string> Also { get; init; } = [];

    // [Unit] dependencies (after drop-ins are merged)
    public List<string> Requires { get; init; } = [];
    public List<string> Wants { get; init; } = [];
    public List<string> BindsTo { get; init; } = [];
    public List<string> Requisite { get; init; } = [];
    public List<string> PartOf { get; init; } = [];
    public List<string> After { get; init; } = [];
    public List<string> Before { get; init; } = [];
    /// <summary>Units named in Requires=/Requisite= that no unit directory defines. systemd 252 still starts the
    /// unit at boot, but every later start or restart fails ("Unit … not found").</summary>
    public List<string> MissingDependencies { get; init; } = [];
    /// <summary>Units named in BindsTo= that no unit directory defines: at boot the unit is never started
    /// (with After=: "Dependency failed") or stopped right after it starts.</summary>
    public List<string> MissingBindsTo { get; init; } = [];
    /// <summary>"ConditionPathExists=/etc/foo" style, in file order.</summary>
    public List<string> Conditions { get; init; } = [];
    public List<string> Asserts { get; init; } = [];

    // [Service]
    public List<string> ExecStart { get; init; } = [];
    public List<string> ExecStartPre { get; init; } = [];
    /// <summary>Programs whose absence makes the unit fail at start: those of ExecStartPre=, ExecStart= and
    /// ExecStartPost= commands without the "-" prefix (whose failure systemd ignores) that are missing from
    /// the root, not executable, or scripts whose "#!" interpreter is missing (then the interpreter is
    /// listed). Bare names are looked up in systemd's default PATH. Empty for templates: only their
    /// instances run.</summary>
    public List<string> MissingExecutables { get; init; } = [];
    public string? Restart { get; init; }
    public string? RestartSec { get; init; }
    public List<string> EnvironmentFiles { get; init; } = [];

    /// <summary>What Condition*= and ExecCondition= decide offline: "true" (the unit runs), "false" (systemd
    /// skips it: it cannot fail), "unknown" (only the booting machine can tell; see ConditionNotes);
    /// null when it has neither.</summary>
    public string? ConditionResult { get; init; }
    /// <summary>The same for Assert*= ("false": the start job fails with "Assertion failed"); null without asserts.</summary>
    public string? AssertResult { get; init; }
    /// <summary>Why a condition or assert is unknown, and how %v conditions came out for each of the image's kernels.</summary>
    public List<string> ConditionNotes { get; init; } = [];

    /// <summary>True when reachable from the default target through Wants/Requires (incl. .wants/.requires links).</summary>
    public bool StartsAtBoot { get; init; }
    /// <summary>One path that proves StartsAtBoot, e.g. ["graphical.target","multi-user.target","ecs.service"].
    /// Bounded: a path of more than 8 units keeps its first 3 and last 4 around a "… N more …" marker.</summary>
    public List<string> BootPath { get; init; } = [];
    /// <summary>For a template instance no unit directory lists by name (so list-unit-files omits it) but
    /// something pulls in — a .wants/.requires link, a Wants=/Requires= of a unit that starts at boot, a
    /// timer, path or socket — the unit that pulls it in. Its state is what `systemctl is-enabled` says.</summary>
    public string? PulledInBy { get; init; }

    // Live-only (systemctl show / journal); null offline.
    public string? LoadState { get; init; }
    public string? ActiveState { get; init; }
    public string? SubState { get; init; }
    public string? Result { get; init; }
    public long? NRestarts { get; init; }
    public int? ExecMainCode { get; init; }
    public int? ExecMainStatus { get; init; }
    public DateTimeOffset? ActiveEnterTimestamp { get; init; }
    /// <summary>Restarts per hour over the collection window (journal + NRestarts delta).</summary>
    public double? RestartsPerHour { get; init; }
    /// <summary>"Failed with result" messages in the window.</summary>
    public long? FailuresInWindow { get; init; }
    /// <summary>Last error line the unit's process logged before it failed (journal), already redacted;
    /// the diff quotes it as evidence ("metric push failed").</summary>
    public string? FailureMessage { get; init; }
}
