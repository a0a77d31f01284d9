using System.CommandLine;
using AmiAudit.Cli.Infrastructure.Io;
using AmiAudit.Reporting;
using AmiAudit.Reporting.Templates;

namespace AmiAudit.Cli.Infrastructure;

/// <summary>
/// <c>--template FILE</c> on the verbs that render template-based formats: the user's Scriban
/// template replaces the built-in one. Read (regular file, size-capped) before any work, so a missing
/// file fails at once; a template that does not parse or fails while rendering is invalid input
/// (exit 3), each problem as file:line:col.
/// </summary>
public static class UserTemplates
{
    /// <summary>The formats rendered from a template (the others are code, and ignore templates).</summary>
    public static readonly IReadOnlyList<string> Formats = ["markdown", "html"];

    public static Option<string?> Option() => new("--template")
    {
        Description = "Render markdown/html with this Scriban template (start from a copy in templates/).",
    };

    public static UserTemplate? Read(string? path, string format)
    {
        if (path is null) return null;
        if (!Formats.Contains(format, StringComparer.Ordinal))
            throw new UsageException($"--template applies to --format {string.Join(" or ", Formats)}, not '{format}'");
        try
        {
            return new UserTemplate(path, InputFile.ReadAllText(path, InputFile.SmallMaxBytes));
        }
        catch (InputFileException e)
        {
            throw new InvalidInputException($"--template {path}: {e.Reason}");
        }
    }

    public static string Render(Func<string> render)
    {
        try
        {
            return render();
        }
        catch (TemplateException e)
        {
            throw new InvalidInputException(e.Problems);
        }
    }
}
