using System.Net;
using AmiAudit.Core.Diff;
using AmiAudit.Reporting.Escaping;
using AmiAudit.Reporting.Templates;

namespace AmiAudit.Reporting.Diff;

/// <summary>One self-contained HTML page (inline CSS, no scripts, no external assets) from templates/diff.html.scriban.
/// Every value is HTML-encoded, with control-character hygiene on top.</summary>
internal sealed class HtmlDiffReporter : IDiffReporter
{
    public const string TemplateFile = "diff.html.scriban";
    public string Format => "html";
    public string FileExtension => ".html";

    public string Render(DiffResult result, ReportContext ctx) =>
        ReportText.Finish(Render(TemplateSource.For(TemplateFile, ctx), DiffView.Build(result, ctx)));

    private static string Render((string Text, string Name) template, TemplateObject model) =>
        TemplateRenderer.Render(template.Text, model, Encode, templatePath: template.Name);

    internal static string Encode(string? text) => WebUtility.HtmlEncode(ReportText.Printable(text));
}
