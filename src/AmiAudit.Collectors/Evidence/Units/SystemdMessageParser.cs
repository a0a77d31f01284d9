using System.Globalization;
using System.Text.RegularExpressions;

namespace AmiAudit.Collectors.Evidence.Units;

public enum UnitEventKind
{
    Starting,
    Started,
    Stopping,
    Stopped,
    /// <summary>"Failed to start &lt;Description&gt;." — a failed start job.</summary>
    FailedToStart,
    /// <summary>"Failed with result '…'." / "Unit entered failed state." / "&lt;unit&gt; failed."</summary>
    Failed,
    /// <summary>"Scheduled restart job, restart counter is at N." / "Service hold-off time over, scheduling restart."</summary>
    RestartScheduled,
    /// <summary>"Start request repeated too quickly."</summary>
    StartLimitHit,
    /// <summary>"Main process exited, code=…, status=…" (also "Control process exited").</summary>
    ProcessExited,
}

/// <summary>One lifecycle message PID 1 (or a user manager) wrote about a unit.</summary>
public sealed record UnitMessage(UnitEventKind Kind, string? Unit, string? Description)
{
    public long? Counter { get; init; }
    public string? Exit { get; init; }
    public string? Result { get; init; }
}

/// <summary>
/// systemd's own messages as syslog-format text shows them (node-facts 4.2): the "&lt;unit&gt;: " prefixed ones
/// (Main/Control process exited, Failed with result, Scheduled restart job, Start request repeated too quickly,
/// Unit entered failed state, hold-off time over, Deactivated successfully) and the job messages that name the
/// unit only by its Description ("Started Amazon Elastic Container Service - container agent.", "Failed to start …",
/// "Stopped …") — newer systemd (v249+) writes "Started ecs.service - Description." and the unit is read from it.
/// Old systemd 219 shapes ("Unit ecs.service entered failed state.", "ecs.service failed.", "ecs.service holdoff time
/// over, scheduling restart.", "start request repeated too quickly for ecs.service") are accepted too.
/// </summary>
public static partial class SystemdMessageParser
{
    private const string UnitRe = @"[A-Za-z0-9:_.\\@\-]+\.(?:service|socket|timer|mount|automount|target|path|scope|slice|swap|device)";

    [GeneratedRegex(@"^(?<unit>" + UnitRe + @"): (?<rest>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex UnitPrefixed();

    [GeneratedRegex(@"^(?:Main|Control|main|control) process exited, code=(?<code>[a-z]+), status=(?<status>\S+?)\.?$", RegexOptions.CultureInvariant)]
    private static partial Regex Exited();

    [GeneratedRegex(@"^Failed with result '(?<r>[^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex FailedResult();

    [GeneratedRegex(@"^Scheduled restart job, restart counter is at (?<n>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex Scheduled();

    [GeneratedRegex(@"^(?<verb>Started|Stopped|Starting|Stopping|Failed to start) (?<what>.+?)(?:\.\.\.|\.)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Job();

    [GeneratedRegex(@"^(?<unit>" + UnitRe + @") - (?<desc>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex UnitDashDescription();

    [GeneratedRegex(@"^(?:Unit (?<a>" + UnitRe + @") entered failed state|(?<b>" + UnitRe + @") failed|(?<c>" + UnitRe + @") holdoff time over, scheduling restart|start request repeated too quickly for (?<d>" + UnitRe + @"))\.?$", RegexOptions.CultureInvariant)]
    private static partial Regex Old219();

    [GeneratedRegex(@"^" + UnitRe + @"$", RegexOptions.CultureInvariant)]
    private static partial Regex UnitOnly();

    [GeneratedRegex(@"^systemd\[(?<pid>\d+)\]: (?<msg>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex InnerIdent();

    /// <summary>True when the line's identifier says systemd wrote it; <paramref name="user"/> when a user manager (PID ≠ 1) did.
    /// A line with no identifier (journalctl -o cat, dmesg's "systemd[1]: …") may carry it inside.</summary>
    public static bool IsSystemd(string? ident, int? pid, ref string message, out bool user)
    {
        user = false;
        if (ident is null)
        {
            var m = InnerIdent().Match(message);
            if (!m.Success) return false;
            pid = int.Parse(m.Groups["pid"].ValueSpan, CultureInfo.InvariantCulture);
            message = m.Groups["msg"].Value;
            ident = "systemd";
        }
        if (ident != "systemd") return false;
        user = pid is not null and not 1;
        return true;
    }

    /// <summary>Words every lifecycle message has; most of systemd's lines ("….mount: Deactivated successfully.") have none.</summary>
    private static readonly string[] Keywords =
        ["process exited", "ailed", "Scheduled restart", "hold", "RestartSec=", "repeated too quickly", "Start", "Stop"];

    /// <summary>Classifies one systemd message (identifier already removed); null when it is not a unit lifecycle line.</summary>
    public static UnitMessage? Parse(string message)
    {
        if (!Keywords.Any(k => message.Contains(k, StringComparison.Ordinal))) return null;
        var m = UnitPrefixed().Match(message);
        if (m.Success)
        {
            var unit = m.Groups["unit"].Value;
            var rest = m.Groups["rest"].Value;
            Match x;
            if ((x = Exited().Match(rest)).Success)
                return new UnitMessage(UnitEventKind.ProcessExited, unit, null) { Exit = $"code={x.Groups["code"].Value}, status={x.Groups["status"].Value}" };
            if ((x = FailedResult().Match(rest)).Success) return new UnitMessage(UnitEventKind.Failed, unit, null) { Result = x.Groups["r"].Value };
            if ((x = Scheduled().Match(rest)).Success)
                return new UnitMessage(UnitEventKind.RestartScheduled, unit, null) { Counter = long.TryParse(x.Groups["n"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null };
            if (rest.StartsWith("Service hold-off time over, scheduling restart", StringComparison.Ordinal)
                || (rest.StartsWith("Service RestartSec=", StringComparison.Ordinal) && rest.Contains("expired, scheduling restart", StringComparison.Ordinal)))
                return new UnitMessage(UnitEventKind.RestartScheduled, unit, null);
            if (rest.StartsWith("Start request repeated too quickly", StringComparison.Ordinal)) return new UnitMessage(UnitEventKind.StartLimitHit, unit, null);
            if (rest.StartsWith("Unit entered failed state", StringComparison.Ordinal)) return new UnitMessage(UnitEventKind.Failed, unit, null);
            if (rest.StartsWith("Deactivated successfully", StringComparison.Ordinal) || rest.StartsWith("Succeeded.", StringComparison.Ordinal))
                return null;
            return null;
        }
        if ((m = Old219().Match(message)).Success)
        {
            if (m.Groups["a"].Success) return new UnitMessage(UnitEventKind.Failed, m.Groups["a"].Value, null);
            if (m.Groups["b"].Success) return new UnitMessage(UnitEventKind.Failed, m.Groups["b"].Value, null);
            if (m.Groups["c"].Success) return new UnitMessage(UnitEventKind.RestartScheduled, m.Groups["c"].Value, null);
            return new UnitMessage(UnitEventKind.StartLimitHit, m.Groups["d"].Value, null);
        }
        if ((m = Job().Match(message)).Success)
        {
            var kind = m.Groups["verb"].Value switch
            {
                "Started" => UnitEventKind.Started,
                "Stopped" => UnitEventKind.Stopped,
                "Starting" => UnitEventKind.Starting,
                "Stopping" => UnitEventKind.Stopping,
                _ => UnitEventKind.FailedToStart,
            };
            var what = m.Groups["what"].Value.Trim();
            var dash = UnitDashDescription().Match(what);
            if (dash.Success) return new UnitMessage(kind, dash.Groups["unit"].Value, dash.Groups["desc"].Value);
            // "Started ecs.service." (a unit without Description=) names the unit itself.
            if (UnitOnly().IsMatch(what)) return new UnitMessage(kind, what, null);
            return new UnitMessage(kind, null, what);
        }
        return null;
    }
}
