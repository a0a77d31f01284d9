using AmiAudit.Core.Diff;
using AmiAudit.Reporting.Escaping;
using AmiAudit.Reporting.Templates;

namespace AmiAudit.Reporting.Diff;

/// <summary>Markdown (PR comments, job summaries) from templates/diff.markdown.scriban; every value is Markdown-escaped.</summary>
internal sealed class MarkdownDiffReporter : IDiffReporter
{
    public const string TemplateFile = "diff.markdown.scriban";
    public string Format => "markdown";
    public string FileExtension => ".md";

    public string Render(DiffResult result, ReportContext ctx) =>
        ReportText.Finish(Render(TemplateSource.For(TemplateFile, ctx), DiffView.Build(result, ctx)));

    private static string Render((string Text, string Name) template, TemplateObject model) =>
        TemplateRenderer.Render(template.Text, model, MarkdownTextEncoder.EscapeInline, templatePath: template.Name);
}
