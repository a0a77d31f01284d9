using System.Globalization;
using AmiAudit.Core.Diff;
using AmiAudit.Core.Evaluation;
using AmiAudit.Reporting.Templates;

namespace AmiAudit.Reporting.Diff;

/// <summary>The template-facing shape of a diff: already ordered and worded, so templates stay logic-free.</summary>
internal static class DiffView
{
    public static TemplateObject Build(DiffResult r, ReportContext ctx)
    {
        var real = r.Divergences.Where(d => d.Class is not DivergenceClass.Noise).ToList();
        var noise = r.Divergences.Where(d => d.Class is DivergenceClass.Noise).ToList();
        return new TemplateObject
        {
            ["tool"] = ReportInfo.ToolName,
            ["version"] = ctx.ToolVersion,
            ["generatedAt"] = ctx.GeneratedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["schema"] = r.Schema,
            ["a"] = r.A.Name,
            ["b"] = r.B.Name,
            ["aNodes"] = r.A.Nodes,
            ["bNodes"] = r.B.Nodes,
            ["keys"] = r.KeysCompared,
            ["identical"] = r.Identical,
            ["summary"] = Summary(r),
            ["chains"] = r.Chains.Select(c => new TemplateObject
            {
                ["side"] = c.Side,
                ["direction"] = c.Direction,
                ["arrow"] = c.Direction == "upstream" ? "\u2190" : "\u2192",
                ["summary"] = c.Summary,
                ["links"] = c.Links.Select((l, i) => new TemplateObject
                {
                    ["first"] = i == 0,
                    ["statement"] = l.Statement,
                    ["fact"] = l.Fact,
                    ["a"] = l.A,
                    ["b"] = l.B,
                    ["evidence"] = l.Evidence,
                    ["relation"] = l.Relation,
                    ["heuristic"] = l.Heuristic,
                    ["also"] = l.AlsoDiffers.Count == 0 ? null : string.Join(", ", l.AlsoDiffers),
                }).ToTemplateList(),
            }).ToTemplateList(),
            ["hasChains"] = r.Chains.Count > 0,
            ["divergences"] = real.Select(Row).ToTemplateList(),
            ["hasDivergences"] = real.Count > 0,
            ["noise"] = noise.Select(Row).ToTemplateList(),
            ["noiseCount"] = noise.Count,
            ["unexplained"] = r.Unexplained.ToTemplateList(),
            ["hasUnexplained"] = r.Unexplained.Count > 0,
            ["loadProblems"] = r.LoadProblems.Select(p => new TemplateObject { ["side"] = p.Side, ["path"] = p.Path, ["message"] = p.Message }).ToTemplateList(),
            ["hasLoadProblems"] = r.LoadProblems.Count > 0,
            ["ignore"] = r.Ignore.Count == 0 ? null : string.Join(", ", r.Ignore),
        };
    }

    private static TemplateObject Row(Divergence d) => new()
    {
        ["key"] = d.Key,
        ["class"] = ClassName(d.Class),
        ["severity"] = d.Severity.ToName(),
        ["score"] = d.Score.ToString("0.###", CultureInfo.InvariantCulture),
        ["a"] = Values(d.A),
        ["b"] = Values(d.B),
    };

    public static string ClassName(DivergenceClass c) => c switch
    {
        DivergenceClass.Consistent => "consistent",
        DivergenceClass.Partial => "partial",
        _ => "noise",
    };

    /// <summary>"active ×3" for a uniform side, "active ×2, failed ×1" for a mixed one.</summary>
    public static string Values(IEnumerable<ValueCount> values) =>
        string.Join(", ", values.Select(v => $"{v.Value} \u00d7{v.Count.ToString(CultureInfo.InvariantCulture)}"));

    public static string Summary(DiffResult r)
    {
        if (r.Identical) return $"{r.A.Name} and {r.B.Name} are identical in the {r.KeysCompared} keys compared.";
        int Count(DivergenceClass c) => r.Divergences.Count(d => d.Class == c);
        return $"{r.Divergences.Count} divergent keys of {r.KeysCompared}: {Count(DivergenceClass.Consistent)} consistent, " +
               $"{Count(DivergenceClass.Partial)} partial, {Count(DivergenceClass.Noise)} noise; {r.Chains.Count} causal chains, {r.Unexplained.Count} unexplained.";
    }
}
