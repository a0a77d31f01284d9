using AmiAudit.Core.Diff;
using AmiAudit.Reporting.Escaping;
using AmiAudit.Reporting.Templates;
using HandlebarsDotNet;

namespace AmiAudit.Reporting.Diff;

/// <summary>One self-contained HTML page (inline CSS, no scripts, no external assets) from templates/diff.html.hbs.
/// Handlebars' default HTML encoding escapes every value; we add control-character hygiene on top.</summary>
internal sealed class HtmlDiffReporter : IDiffReporter
{
    public const string TemplateFile = "diff.html.hbs";
    public string Format => "html";
    public string FileExtension => ".html";

    public string Render(DiffResult result, ReportContext ctx)
    {
        var hb = Handlebars.Create(new HandlebarsConfiguration { TextEncoder = new HtmlPrintableEncoder() });
        var template = hb.Compile(TemplateSource.Load(TemplateFile, ctx.TemplateDirectory));
        return ReportText.Finish(template(DiffView.Build(result, ctx)));
    }

    private sealed class HtmlPrintableEncoder : ITextEncoder
    {
        private static string Encode(string? s) => System.Net.WebUtility.HtmlEncode(ReportText.Printable(s));
        public void Encode(System.Text.StringBuilder? text, TextWriter target) => target.Write(Encode(text?.ToString()));
        public void Encode(string? text, TextWriter target) => target.Write(Encode(text));
        public void Encode<T>(T? text, TextWriter target) where T : IEnumerator<char>
        {
            if (text is null) return;
            var sb = new System.Text.StringBuilder();
            while (text.MoveNext()) sb.Append(text.Current);
            target.Write(Encode(sb.ToString()));
        }
    }
}
