namespace AmiAudit.Reporting.Templates;

/// <summary>
/// Finds a template by file name: first in <see cref="ReportContext.TemplateDirectory"/> (so users
/// can restyle reports without rebuilding), then the copy embedded in this assembly (so a lone
/// binary still renders). Embedded resources are named "templates/&lt;file&gt;".
/// </summary>
public static class TemplateSource
{
    /// <summary>The user's template when one was given, else the built-in <paramref name="fileName"/>;
    /// with the name errors are reported under.</summary>
    public static (string Text, string Name) For(string fileName, ReportContext ctx) =>
        ctx.Template is { } user ? (user.Text, user.Path) : (Load(fileName, ctx.TemplateDirectory), fileName);

    public static string Load(string fileName, string? templateDirectory)
    {
        if (!string.IsNullOrEmpty(templateDirectory))
        {
            var path = Path.Combine(templateDirectory, fileName);
            if (File.Exists(path))
                return File.ReadAllText(path);
        }
        return LoadEmbedded(fileName);
    }

    public static string LoadEmbedded(string fileName)
    {
        using var stream = typeof(TemplateSource).Assembly.GetManifestResourceStream("templates/" + fileName)
            ?? throw new InvalidOperationException($"template \"{fileName}\" is neither in the template directory nor embedded in {typeof(TemplateSource).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
