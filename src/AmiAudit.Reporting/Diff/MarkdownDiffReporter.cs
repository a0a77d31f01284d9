using AmiAudit.Core.Diff;
using AmiAudit.Reporting.Escaping;
using AmiAudit.Reporting.Templates;

namespace AmiAudit.Reporting.Diff;

/// <summary>Markdown (PR comments, job summaries) from templates/diff.markdown.hbs; every value is Markdown-escaped.</summary>
internal sealed class MarkdownDiffReporter : IDiffReporter
{
    public const string TemplateFile = "diff.markdown.hbs";
    public string Format => "markdown";
    public string FileExtension => ".md";

    public string Render(DiffResult result, ReportContext ctx) =>
        ReportText.Finish(TemplateRenderer.Render(
            TemplateSource.Load(TemplateFile, ctx.TemplateDirectory), DiffView.Build(result, ctx), MarkdownTextEncoder.EscapeInline));
}
