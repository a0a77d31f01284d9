using System.Globalization;
using System.Text.RegularExpressions;
using AmiAudit.Core.Model;
using AmiAudit.Core.Redaction;

namespace AmiAudit.Collectors.Evidence.CloudInit;

/// <summary>
/// What cloud-init's logs say about the last run: <c>cloud-init.log</c> ("util.py[WARNING]: Failed running
/// /var/lib/cloud/instance/scripts/part-001 [1]", "Running module scripts-user (…) failed", the
/// ProcessExecutionError block "Command: ['…']" / "Exit code: 127") and <c>cloud-init-output.log</c> (the scripts'
/// own output: the xtrace "+ cmd" line before the failure is the failing command, else the shell's
/// "…: line 5: foo: command not found" error). Both files exist as plain cloud-init format ("2024-01-01
/// 12:00:00,123 - util.py[WARNING]: …") and, on Amazon Linux, behind a syslog prefix ("Sep 27 16:39:56
/// cloud-init[4883]: …"). Every string kept is redacted: scripts pass tokens on their command lines.
/// </summary>
public sealed partial class CloudInitLog
{
    private const int MaxErrors = 20;
    private readonly List<string> _errors = [];
    private readonly List<string> _recentTrace = [];
    private string? _failedScript, _failingCommand, _module, _version, _lastShellError, _lastOutput;
    private int? _exit;
    private DateTimeOffset? _finished;
    private string? _pendingCommand;

    [GeneratedRegex(@"Failed running (?<script>\S+) \[(?<code>-?\d+)\]", RegexOptions.CultureInvariant)]
    private static partial Regex FailedRunning();

    [GeneratedRegex(@"Running module (?<mod>[\w\-]+) \(.*\) failed|Failed to run module (?<mod>[\w\-]+)", RegexOptions.CultureInvariant)]
    private static partial Regex ModuleFailed();

    [GeneratedRegex(@"^Command: \[?'?(?<cmd>[^'\]]+)'?", RegexOptions.CultureInvariant)]
    private static partial Regex CommandLine();

    [GeneratedRegex(@"^Exit code: (?<code>-?\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex ExitCode();

    [GeneratedRegex(@"Cloud-init v\. (?<v>\S+) finished at (?<t>[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4})", RegexOptions.CultureInvariant)]
    private static partial Regex Finished();

    [GeneratedRegex(@"^\++ (?<cmd>\S.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Xtrace();

    [GeneratedRegex(@"^(?<script>/\S+): line (?<n>\d+): (?<msg>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ShellError();

    [GeneratedRegex(@"^(?:curl: \(\d+\) |wget: |E: |error: |Error: |ERROR: |FATAL: |fatal: )|Exited with error on line \d+|\[(?:WARNING|ERROR|CRITICAL)\]: ", RegexOptions.CultureInvariant)]
    private static partial Regex ErrorLine();

    /// <summary>Prefixes in front of the message: syslog "Mon DD HH:MM:SS [host] cloud-init[pid]: " and cloud-init's own "YYYY-MM-DD HH:MM:SS,mmm - ".</summary>
    [GeneratedRegex(@"^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d (?:\S+ )?(?:cloud-init|\[CLOUDINIT\])(?:\[\d+\])?:? ?)?(?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - )?", RegexOptions.CultureInvariant)]
    private static partial Regex Prefix();

    public bool Any => _failedScript is not null || _module is not null || _errors.Count > 0 || _finished is not null;

    public void AddLine(string raw)
    {
        var line = Prefix().Replace(raw, "", 1).TrimEnd();
        if (line.Length == 0) return;
        Match m;
        if ((m = Finished().Match(line)).Success)
        {
            _version = m.Groups["v"].Value;
            var stamp = m.Groups["t"].Value;
            stamp = stamp.Insert(stamp.Length - 2, ":"); // "+0000" → "+00:00" for zzz
            if (DateTimeOffset.TryParseExact(stamp, "ddd, d MMM yyyy HH:mm:ss zzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
                _finished = t.ToUniversalTime();
            return;
        }
        if ((m = FailedRunning().Match(line)).Success)
        {
            if (_failedScript is null)
            {
                _failedScript = Redactor.RedactText(m.Groups["script"].Value);
                _exit = int.TryParse(m.Groups["code"].ValueSpan, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var c) ? c : null;
                // The failing command: the last traced command, else the last shell error, else the last output line.
                _failingCommand ??= _recentTrace.LastOrDefault() ?? _lastShellError ?? _lastOutput;
            }
            Error(line);
            return;
        }
        if ((m = ModuleFailed().Match(line)).Success)
        {
            _module ??= m.Groups["mod"].Value;
            Error(line);
            return;
        }
        if ((m = CommandLine().Match(line)).Success) { _pendingCommand = m.Groups["cmd"].Value; return; }
        if ((m = ExitCode().Match(line)).Success)
        {
            if (_pendingCommand is not null && _failedScript is null)
            {
                _failedScript = Redactor.RedactText(_pendingCommand);
                _exit = int.TryParse(m.Groups["code"].ValueSpan, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var c) ? c : null;
                _failingCommand ??= _recentTrace.LastOrDefault() ?? _lastShellError;
            }
            _pendingCommand = null;
            return;
        }
        if ((m = Xtrace().Match(line)).Success)
        {
            if (_recentTrace.Count >= 8) _recentTrace.RemoveAt(0);
            _recentTrace.Add(Clip(Redactor.RedactText(m.Groups["cmd"].Value)));
            return;
        }
        if ((m = ShellError().Match(line)).Success)
        {
            _lastShellError = Clip(Redactor.RedactText(line));
            Error(line);
            return;
        }
        if (ErrorLine().IsMatch(line))
        {
            Error(line);
            if (!line.Contains(".py[", StringComparison.Ordinal)) _lastShellError = Clip(Redactor.RedactText(line));
            return;
        }
        if (!line.Contains(".py[", StringComparison.Ordinal) && !line.StartsWith("ci-info:", StringComparison.Ordinal))
            _lastOutput = Clip(Redactor.RedactText(line));
    }

    private void Error(string line)
    {
        if (_errors.Count >= MaxErrors) return;
        var text = Clip(Redactor.RedactText(line));
        if (!_errors.Contains(text)) _errors.Add(text);
    }

    public CloudInitEvidence Build(IEnumerable<string> sources) => new()
    {
        FailedScript = _failedScript ?? _module,
        FailingCommand = _failedScript is null && _module is null ? null : _failingCommand,
        ExitStatus = _exit,
        Errors = [.. _errors],
        FinishedAt = _finished,
        Version = _version,
        Sources = [.. sources],
    };

    private static string Clip(string s) => s.Length <= 500 ? s : s[..500] + "…";
}
