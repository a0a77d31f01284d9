using System.Text;
using AmiAudit.Core.Diff;
using AmiAudit.Core.Evaluation;
using AmiAudit.Reporting.Escaping;

namespace AmiAudit.Reporting.Diff;

/// <summary>
/// The terminal screen: the chains first (they are the answer), then the consistent and partial divergences,
/// ranked, then one line about noise. Lines are wrapped at spaces to <see cref="ReportContext.Width"/> columns (the
/// terminal's, chosen by the CLI); a token a user copies (a URL, a sha256, a path) is never split: one longer than
/// the line overflows it. ANSI colour only when <see cref="ReportContext.Color"/>.
/// </summary>
internal sealed class ConsoleDiffReporter : IDiffReporter
{
    /// <summary>Ranked divergences shown; the rest are counted (all are in --format json).</summary>
    public const int MaxShown = 25;

    public string Format => "console";
    public string FileExtension => ".txt";

    public string Render(DiffResult r, ReportContext ctx)
    {
        var w = Math.Max(40, ctx.Width);
        var o = new Out(w, ctx.Color);
        o.Line($"amiaudit diff: {r.A.Name} ({r.A.Nodes} nodes) vs {r.B.Name} ({r.B.Nodes} nodes)", Ansi.Bold);
        o.Line(DiffView.Summary(r));
        foreach (var p in r.LoadProblems) o.Line($"skipped {p.Path} ({p.Side}): {p.Message}", Ansi.Yellow, "  ");

        if (r.Chains.Count > 0)
        {
            o.Blank();
            o.Line("Why they differ", Ansi.Bold);
            foreach (var chain in r.Chains)
            {
                var arrow = chain.Direction == "upstream" ? "\u2190 " : "\u2192 ";
                var head = $"{chain.Side}: ";
                var pad = new string(' ', Math.Min(head.Length + 2, w / 3));
                for (var i = 0; i < chain.Links.Count; i++)
                {
                    var link = chain.Links[i];
                    var mark = link.Heuristic ? " [known mechanism]" : "";
                    if (i == 0) o.Line(head + link.Statement, Ansi.Bold, "  ", "  " + pad);
                    else o.Line(arrow + link.Statement + mark, link.Heuristic ? Ansi.Cyan : null, "  " + pad, "  " + pad + "  ");
                }
            }
            o.Line("(json/markdown/html list the evidence and relation behind every link)", Ansi.Dim, "  ");
        }

        var real = r.Divergences.Where(d => d.Class is not DivergenceClass.Noise).ToList();
        if (real.Count > 0)
        {
            o.Blank();
            o.Line($"Divergences, ranked ({r.A.Name} | {r.B.Name})", Ansi.Bold);
            foreach (var d in real.Take(MaxShown))
            {
                var color = d.Severity >= Severity.High ? Ansi.Red : d.Severity == Severity.Medium ? Ansi.Yellow : null;
                o.Line($"{d.Severity.ToName(),-8} {DiffView.ClassName(d.Class),-10} {d.Key}", color, "  ", "    ");
                o.Line($"{r.A.Name}: {DiffView.Values(d.A)}", null, "      ", "        ");
                o.Line($"{r.B.Name}: {DiffView.Values(d.B)}", null, "      ", "        ");
            }
            if (real.Count > MaxShown) o.Line($"… {real.Count - MaxShown} more (see --format json)", Ansi.Dim, "  ");
        }
        if (r.Unexplained.Count > 0)
        {
            o.Blank();
            o.Line("Unexplained (no link in the facts)", Ansi.Bold);
            foreach (var key in r.Unexplained) o.Line(key, null, "  ", "    ");
        }
        var noise = r.Divergences.Count(d => d.Class is DivergenceClass.Noise);
        if (noise > 0)
        {
            o.Blank();
            o.Line($"{noise} keys vary inside the sides about as much as across them (noise, not shown).", Ansi.Dim);
        }
        return ReportText.Finish(o.ToString());
    }

    private static class Ansi
    {
        public const string Bold = "\u001b[1m", Red = "\u001b[31m", Yellow = "\u001b[33m", Cyan = "\u001b[36m", Dim = "\u001b[2m", Reset = "\u001b[0m";
    }

    /// <summary>Word-wraps to the width at spaces only; continuation lines get their own indent.</summary>
    private sealed class Out(int width, bool color)
    {
        private readonly StringBuilder _sb = new();

        public void Blank() => _sb.Append('\n');

        public void Line(string text, string? ansi = null, string indent = "", string? hangingIndent = null)
        {
            text = ReportText.Printable(text);
            var lines = Wrap(text, indent, hangingIndent ?? indent);
            foreach (var line in lines)
            {
                if (color && ansi is not null) _sb.Append(ansi).Append(line).Append(Ansi.Reset).Append('\n');
                else _sb.Append(line).Append('\n');
            }
        }

        private IEnumerable<string> Wrap(string text, string first, string rest)
        {
            var prefix = first;
            while (true)
            {
                var room = width - prefix.Length;
                if (text.Length <= room)
                {
                    yield return prefix + text;
                    yield break;
                }
                var cut = room > 0 ? text.LastIndexOf(' ', Math.Min(room, text.Length - 1)) : -1;
                // One token longer than the room (a URL, a sha256): it overflows the line whole, because a
                // token broken across lines no longer copies and pastes.
                if (cut <= 0) cut = text.IndexOf(' ', 1);
                if (cut <= 0)
                {
                    yield return prefix + text;
                    yield break;
                }
                yield return (prefix + text[..cut]).TrimEnd();
                text = text[cut..].TrimStart();
                prefix = rest;
            }
        }

        public override string ToString() => _sb.ToString();
    }
}
