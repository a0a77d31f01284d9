using System.Globalization;

namespace AmiAudit.Core.Diff;

/// <summary>Words for a chain link: what it says on the chain's side, each side's value, and the evidence.</summary>
internal sealed class ChainText(SideAccumulator a, SideAccumulator b)
{
    public CausalLink Link(CausalNode node, string side, CausalEdge? edge, List<string> alsoDiffers) => new()
    {
        Fact = node.PrimaryKey,
        Statement = Statement(node, side == "a" ? a : b, side == "a" ? b : a),
        A = a.Mode(node.PrimaryKey),
        B = b.Mode(node.PrimaryKey),
        Evidence = $"{a.Name}: {Evidence(node, a)}; {b.Name}: {Evidence(node, b)}",
        Relation = edge?.Relation,
        Heuristic = edge?.Heuristic ?? false,
        AlsoDiffers = alsoDiffers,
    };

    private string Statement(CausalNode node, SideAccumulator s, SideAccumulator other)
    {
        var key = node.PrimaryKey;
        var value = s.Mode(key);
        var fk = FactKey.Parse(key);
        switch (node.Kind)
        {
            case "unit" when fk.Attribute == "activeState":
                return UnitState(node.Subject, value, s);
            case "unit":
                return $"{node.Subject} restarting {value}/h";
            case "container":
                return ContainerState(node.Subject, fk.Attribute, value, s);
            case "url":
                return UrlStatement(node.Subject, s.Mode(key), other.Mode(key));
            case "probe" when node.Subject == "memcg":
                return s.Number("probe/memcg/dying") is { } dying ? $"{dying.Display()} dying memcgs" : $"dying memcgs {value}";
            case "probe" when node.Subject == "cpu":
                return CpuStatement(s, value);
            case "probe" when node.Subject.StartsWith("ena/", StringComparison.Ordinal):
                var ifName = node.Subject["ena/".Length..];
                return s.Number($"probe/{node.Subject}/resets") is { } resets ? $"{resets.Display()} ENA resets ({ifName})" : $"ENA resets {value} ({ifName})";
            case "cloudinit":
                return $"cloud-init {value}" + (s.TextMode("bootstrap/cloudInit/error") is { } e ? $" ({e})" : "");
            case "script":
            case "binary":
                return $"{node.Subject} differs ({fk.Attribute} {Short(value)} vs {Short(other.Mode(key))})";
            case "unitcfg":
                return $"{node.Subject} configured differently ({fk.Attribute}: {value} vs {other.Mode(key)})";
            default:
                return $"{key}: {value} (vs {other.Mode(key)})";
        }
    }

    private static string UnitState(string unit, string value, SideAccumulator s)
    {
        var result = s.TextMode(FactKey.Make("unit", unit, "result"));
        switch (value)
        {
            case "active":
                return s.Number(FactKey.Make("unit", unit, "activeSeconds")) is { } age ? $"{unit} active {Age(age.Min)}" : $"{unit} active";
            case "failed":
                var details = new List<string>();
                if (s.Number(FactKey.Make("unit", unit, "execMainStatus")) is { } status) details.Add($"exit {status.Display()}");
                else if (result is not null) details.Add(result);
                if (s.TextMode(FactKey.Make("unit", unit, "failureMessage")) is { } message) details.Add($"\"{message}\"");
                return details.Count == 0 ? $"{unit} failed" : $"{unit} failed ({string.Join(", ", details)})";
            case "inactive" or FactKey.Absent when KeySeverity.ExpectedRunning(unit, s) && result is null or "success" or "dependency":
                return $"{unit} never started";
            default:
                return result is null ? $"{unit} {value}" : $"{unit} {value} (result {result})";
        }
    }

    private static string ContainerState(string name, string attribute, string value, SideAccumulator s)
    {
        var perHour = s.Number(FactKey.Make("container", name, "restartsPerHour"));
        if (attribute == "restartRate" && perHour is not null)
        {
            var recreated = s.Number(FactKey.Make("container", name, "recreatesInWindow")) is { Max: > 0 };
            var perDay = perHour.Display(v => Bands.Number(Math.Round(v * 24)));
            return $"{name} {(recreated ? "recreated" : "restarted")} {perDay}\u00d7/24 h";
        }
        return value == FactKey.Absent ? $"no {name} container" : $"{name} {attribute} {value}";
    }

    /// <summary>"CPU 39 saturated 7 s/10 s (kubelet 92 %)": the worst core, how long it sat at ≥ 90 % sys+irq+soft, and who ran on it.</summary>
    private static string CpuStatement(SideAccumulator s, string band)
    {
        if (s.Number("probe/cpu/worstCore") is not { } core) return $"CPU saturation {band}";
        var sat = s.Number("probe/cpu/saturatedSeconds")?.Display() ?? "?";
        var window = s.Number("probe/cpu/windowSeconds")?.Display() ?? "?";
        var top = s.TextMode("probe/cpu/topProcess") is { } comm
            ? $" ({comm}{(s.Number("probe/cpu/topPercent") is { } pct ? " " + pct.Display(v => Bands.Number(Math.Round(v))) + " %" : "")})"
            : "";
        return $"CPU {core.Display()} saturated {sat} s/{window} s{top}";
    }

    /// <summary>Read from the chain's side: "(host this-side vs host other-side)".</summary>
    private static string UrlStatement(string purpose, string urlA, string urlB)
    {
        var (hostA, pathA) = HostPath(urlA);
        var (hostB, pathB) = HostPath(urlB);
        if (urlA == FactKey.Absent || urlB == FactKey.Absent)
            return $"{purpose} download URL only on one side ({(urlA == FactKey.Absent ? urlB : urlA)})";
        var what = hostA != hostB && pathA == pathB ? $"host {hostA} vs host {hostB}"
            : hostA != hostB ? $"host {hostA} vs host {hostB}; path differs too"
            : $"path {pathA} vs {pathB}";
        return $"{purpose} downloaded from a different URL ({what})";
    }

    private static (string Host, string Path) HostPath(string urls)
    {
        var first = urls.Split(' ')[0];
        return Uri.TryCreate(first, UriKind.Absolute, out var uri) ? (uri.Host, uri.AbsolutePath) : (first, "");
    }

    private string Evidence(CausalNode node, SideAccumulator s)
    {
        var key = node.PrimaryKey;
        var parts = new List<string> { s.Mode(key) };
        void Num(string label, string k)
        {
            if (s.Number(k) is { } n) parts.Add($"{label} {n.Display()}");
        }
        void Txt(string label, string k)
        {
            if (s.TextMode(k) is { } t) parts.Add($"{label} {t}");
        }
        switch (node.Kind)
        {
            case "unit":
                Txt("result", FactKey.Make("unit", node.Subject, "result"));
                Num("exit", FactKey.Make("unit", node.Subject, "execMainStatus"));
                Txt("message", FactKey.Make("unit", node.Subject, "failureMessage"));
                Num("NRestarts", FactKey.Make("unit", node.Subject, "nRestarts"));
                parts.Add($"unitFileState {s.Mode(FactKey.Make("unit", node.Subject, "unitFileState"))}");
                break;
            case "container":
                Num("restarts/h", FactKey.Make("container", node.Subject, "restartsPerHour"));
                Num("recreates in window", FactKey.Make("container", node.Subject, "recreatesInWindow"));
                Num("RestartCount", FactKey.Make("container", node.Subject, "restartCount"));
                parts.Add($"owner {s.Mode(FactKey.Make("container", node.Subject, "ownerUnit"))}");
                break;
            case "url":
                Txt("in", FactKey.Make("bootstrap", "url/" + node.Subject, "source"));
                break;
            case "probe" when node.Subject == "memcg":
                Num("tracked", "probe/memcg/tracked");
                Num("live", "probe/memcg/live");
                Num("dying", "probe/memcg/dying");
                break;
            case "probe" when node.Subject == "cpu":
                Num("worst core", "probe/cpu/worstCore");
                Num("sys %", "probe/cpu/worstSys");
                Num("saturated s", "probe/cpu/saturatedSeconds");
                Num("window s", "probe/cpu/windowSeconds");
                Txt("top", "probe/cpu/topProcess");
                Num("top %", "probe/cpu/topPercent");
                break;
            case "probe":
                Num("resets", $"probe/{node.Subject}/resets");
                Num("tx timeouts", $"probe/{node.Subject}/txTimeouts");
                Txt("reasons", $"probe/{node.Subject}/reasons");
                break;
            case "cloudinit":
                Txt("error", "bootstrap/cloudInit/error");
                break;
        }
        var nodes = s.Distribution(key).GetValueOrDefault(s.Mode(key));
        if (nodes != s.Nodes) parts.Add($"on {nodes}/{s.Nodes} nodes");
        return string.Join(", ", parts);
    }

    private static string Short(string sha) => sha.Length > 12 && !sha.StartsWith('(') ? sha[..12] : sha;

    /// <summary>"9 d", "5 h", "12 min", "30 s" — the coarsest unit that is at least one.</summary>
    internal static string Age(double seconds) => seconds switch
    {
        >= 86400 => $"{Math.Floor(seconds / 86400).ToString(CultureInfo.InvariantCulture)} d",
        >= 3600 => $"{Math.Floor(seconds / 3600).ToString(CultureInfo.InvariantCulture)} h",
        >= 60 => $"{Math.Floor(seconds / 60).ToString(CultureInfo.InvariantCulture)} min",
        _ => $"{Math.Floor(seconds).ToString(CultureInfo.InvariantCulture)} s",
    };
}
