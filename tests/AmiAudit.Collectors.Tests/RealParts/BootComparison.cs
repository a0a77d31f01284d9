using System.Globalization;
using System.Text;
using AmiAudit.Collectors.RootFs;
using AmiAudit.Core.Evaluation;
using AmiAudit.Core.Model;
using AmiAudit.Core.Policies;

namespace AmiAudit.Collectors.Tests.RealParts;

/// <summary>What one unit really did at boot, as systemd itself reports it.</summary>
public sealed record ObservedUnit(string Name, string LoadState, string ActiveState, string SubState, string Result, int ExecMainStatus, long NRestarts, string ConditionResult)
{
    /// <summary>"exec" (203/EXEC), "dependency" (job failed for a dependency, or stopped for an inactive BindsTo=), "other"; null when it did not fail.</summary>
    public string? FailureKind { get; init; }
}

/// <summary>
/// The rules that predict a unit fails at boot, and how their predictions compare with a real boot:
/// the built-in policies judge the image (offline, before boot), then the same image boots and
/// systemd says which units failed (<c>systemctl show</c>: ActiveState=failed, restarts, and the
/// journal's "status=203/EXEC", "failed with result 'dependency'", "Bound to unit … isn't active").
/// </summary>
public sealed class BootComparison
{
    /// <summary>Rules whose failure means "this unit will fail at boot", and the failure kind each is about.</summary>
    public static readonly IReadOnlyDictionary<string, string> BootRules = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["UNIT-001"] = "exec",
        ["UNIT-001-COND"] = "exec",
        ["UNIT-002"] = "dependency",
        ["UNIT-002-COND"] = "dependency",
    };

    /// <summary>UNIT-003 predicts a failure on every later start, not at boot: checked with a real restart.</summary>
    public const string RestartRule = "UNIT-003";

    public required Snapshot Snapshot { get; init; }
    public required IReadOnlyList<Finding> Findings { get; init; }
    public required IReadOnlyDictionary<string, ObservedUnit> Observed { get; init; }

    /// <summary>Rule id → units the rule says fail.</summary>
    public Dictionary<string, SortedSet<string>> Predicted() =>
        Findings.Where(f => f.Status == FindingStatus.Fail && (BootRules.ContainsKey(f.RuleId) || f.RuleId == RestartRule))
            .GroupBy(f => f.RuleId)
            .ToDictionary(g => g.Key, g => new SortedSet<string>(g.Select(f => f.Subject), StringComparer.Ordinal), StringComparer.Ordinal);

    public SortedSet<string> FailedAtBoot() => new(Observed.Values.Where(u => u.FailureKind is not null).Select(u => u.Name), StringComparer.Ordinal);

    /// <summary>Offline judgement of a root by the built-in policies (what `amiaudit scan` does).</summary>
    public static (Snapshot, IReadOnlyList<Finding>) Judge(string root)
    {
        var snapshot = SnapshotCollector.Collect(new CollectionContext { Fs = new RootFileSystem(root) });
        var sources = Directory.GetFiles(Path.Combine(DebianRoot.RepoRoot, "policies"), "*.yaml").Order(StringComparer.Ordinal)
            .Select(p => new PolicySource(Path.GetRelativePath(DebianRoot.RepoRoot, p), File.ReadAllText(p)));
        var loaded = PolicyLoader.Load(sources);
        if (loaded.Errors.Count > 0) throw new InvalidOperationException(string.Join("\n", loaded.Errors));
        var result = PolicyEvaluator.Evaluate(snapshot, loaded.Policies, null, new EvaluationOptions { Now = DateTimeOffset.UtcNow });
        return (snapshot, result.Findings);
    }

    /// <summary>Every loaded unit of the booted system with what systemd says about it.</summary>
    public static Dictionary<string, ObservedUnit> Observe(BootedRoot booted)
    {
        var names = booted.Run("systemctl", "list-units", "--all", "--plain", "--no-legend", "--full").Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0])
            .Where(n => n.Contains('.'))
            .ToList();
        var journal = booted.Run("journalctl", "-b", "-o", "cat", "--no-pager").Stdout.Split('\n');
        var result = new Dictionary<string, ObservedUnit>(StringComparer.Ordinal);
        foreach (var batch in names.Chunk(100))
        {
            var show = booted.Run("systemctl", ["show", "-p", "Id,LoadState,ActiveState,SubState,Result,ExecMainStatus,NRestarts,ConditionResult", "--", .. batch]);
            foreach (var block in show.Stdout.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
            {
                var p = block.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Select(l => l.Split('=', 2)).Where(kv => kv.Length == 2)
                    .ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
                if (!p.TryGetValue("Id", out var id)) continue;
                var unit = new ObservedUnit(id, p.GetValueOrDefault("LoadState", ""), p.GetValueOrDefault("ActiveState", ""), p.GetValueOrDefault("SubState", ""),
                    p.GetValueOrDefault("Result", ""), int.TryParse(p.GetValueOrDefault("ExecMainStatus"), CultureInfo.InvariantCulture, out var s) ? s : 0,
                    long.TryParse(p.GetValueOrDefault("NRestarts"), CultureInfo.InvariantCulture, out var n) ? n : 0, p.GetValueOrDefault("ConditionResult", ""));
                result[id] = unit with { FailureKind = Kind(unit, journal) };
            }
        }
        return result;
    }

    private static string? Kind(ObservedUnit u, string[] journal)
    {
        var prefix = u.Name + ": ";
        var lines = journal.Where(l => l.StartsWith(prefix, StringComparison.Ordinal) || l.Contains(" " + u.Name + ".", StringComparison.Ordinal)).ToList();
        var dependency = lines.Any(l => l.Contains("failed with result 'dependency'", StringComparison.Ordinal) || l.Contains("Bound to unit", StringComparison.Ordinal));
        var failed = u.ActiveState == "failed" || u.NRestarts > 0 || dependency;
        if (!failed) return null;
        if (lines.Any(l => l.Contains("status=203/EXEC", StringComparison.Ordinal))) return "exec";
        return dependency ? "dependency" : "other";
    }

    /// <summary>A per-rule table: predicted, true positives, false positives, precision; recall over the failures of the rule's kind.</summary>
    public string Table(string root, IReadOnlyDictionary<string, bool>? restartVerified = null)
    {
        var sb = new StringBuilder();
        var predicted = Predicted();
        var failed = FailedAtBoot();
        sb.AppendLine(CultureInfo.InvariantCulture, $"root {root}: {Snapshot.Systemd.Units.Count} units judged, {Observed.Count} loaded at boot, {failed.Count} failed at boot: {string.Join(", ", failed)}");
        foreach (var (rule, kind) in BootRules)
        {
            var p = predicted.GetValueOrDefault(rule) ?? [];
            var tp = p.Count(failed.Contains);
            var ofKind = Observed.Values.Count(u => u.FailureKind == kind);
            var ofKindPredicted = Observed.Values.Count(u => u.FailureKind == kind && p.Contains(u.Name));
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"  {rule,-14} predicted {p.Count,2}  true {tp,2}  false {p.Count - tp,2}  precision {Ratio(tp, p.Count)}  recall({kind}) {Ratio(ofKindPredicted, ofKind)}  [{string.Join(", ", p)}]");
        }
        var r = predicted.GetValueOrDefault(RestartRule) ?? [];
        if (restartVerified is not null)
        {
            var ok = r.Count(u => restartVerified.GetValueOrDefault(u));
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {RestartRule,-14} predicted {r.Count,2}  restart failed {ok,2}  precision {Ratio(ok, r.Count)}  [{string.Join(", ", r)}]");
        }
        var all = BootRules.Keys.SelectMany(k => predicted.GetValueOrDefault(k) ?? []).ToHashSet(StringComparer.Ordinal);
        sb.AppendLine(CultureInfo.InvariantCulture, $"  all boot rules: recall {Ratio(failed.Count(all.Contains), failed.Count)}; not predicted: {string.Join(", ", failed.Where(f => !all.Contains(f)))}");
        return sb.ToString();
    }

    private static string Ratio(int a, int b) => b == 0 ? "  n/a" : ((double)a / b).ToString("P0", CultureInfo.InvariantCulture).PadLeft(5);
}
