using System.Text;
using AmiAudit.Core.Urls;

namespace AmiAudit.Core.Tests.Urls;

/// <summary>Branch-aware expansion stays linear in the script on hostile shapes (issue 8 fuzzing; the bounds are
/// documented on <see cref="ShellVariables"/>): what each bound keeps, so it is a behaviour, not an accident.</summary>
public class ShellVariableBoundsTests
{
    [Fact]
    public void A_use_after_many_conditional_assignments_keeps_the_nearest_values()
    {
        var script = new StringBuilder();
        for (var i = 0; i < 100; i++) script.Append($"[ -f /etc/r{i} ] && HOST=h{i}.example.com\n");
        script.Append("curl -o /tmp/x https://$HOST/bin/tool\n");
        var hosts = UrlExtractor.Extract(script.ToString(), "s").Select(u => u.Host).ToList();
        // The 16 assignments nearest the use (each may be the one that ran last), in script order.
        hosts.ShouldBe(Enumerable.Range(100 - ShellVariables.MaxResults, ShellVariables.MaxResults).Select(i => $"h{i}.example.com"));
    }

    [Fact]
    public void Names_whose_values_refer_to_names_with_several_values_are_expanded_once_per_use()
    {
        // 8 levels of 16 branch values, each level built from the one below: 16^7 nested expansions before (a hang),
        // one per name and depth now; the use still yields the capped 16 combinations.
        var script = new StringBuilder();
        for (var j = 0; j < 16; j++) script.Append($"[ -f /r{j} ] && L0=v{j}\n");
        for (var level = 1; level < 8; level++)
            for (var j = 0; j < 16; j++) script.Append($"[ -f /r{j} ] && L{level}=\"x{j}$L{level - 1}\"\n");
        script.Append("curl -o /tmp/x https://$L7.example.com/tool\n");
        var urls = UrlExtractor.Extract(script.ToString(), "s");
        urls.Count.ShouldBe(ShellVariables.MaxResults);
        urls.ShouldAllBe(u => !u.Template);
        urls[0].Host.ShouldBe("x0x0x0x0x0x0x0v0.example.com");
    }

    [Fact]
    public void Past_the_scripts_expansion_budget_uses_stay_templates()
    {
        var script = new StringBuilder($"A={new string('a', 8000)}\n");
        for (var i = 0; i < 3000; i++) script.Append($"curl -o /tmp/x{i} https://x.example.com/{i}/$A\n");
        var urls = UrlExtractor.Extract(script.ToString(), "s");
        var expanded = urls.Count(u => !u.Template);
        // Every use expands (8 KB each) until 16 MiB of expanded text; later ones are templates, never a wrong URL.
        expanded.ShouldBeInRange(1900, 2200);
        urls.Where(u => u.Template).ShouldAllBe(u => u.Line > expanded);
        urls.Count.ShouldBe(3000);
    }
}
