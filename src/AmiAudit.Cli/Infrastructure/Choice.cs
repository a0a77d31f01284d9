using System.CommandLine;
using System.CommandLine.Parsing;

namespace AmiAudit.Cli.Infrastructure;

/// <summary>
/// Options and arguments whose value is one of a fixed set of names (--format, --fail-on, --on-error, the probe
/// name). Every such symbol is built here so they all behave alike: matched case-insensitively (--format JUnit is
/// junit, --fail-on High is high), returned in the canonical lower-case spelling or as the typed value, and an
/// unknown value is a usage error (exit 2) that lists every choice. System.CommandLine's AcceptOnlyFromAmong is
/// case-sensitive, which is how --fail-on High came to work while --format JUnit did not.
/// </summary>
public static class Choice
{
    /// <summary>An option with a fixed set of names, returned in canonical spelling.</summary>
    public static Option<string> Option(string name, string[] aliases, IReadOnlyList<string> names, string defaultName, string description)
    {
        var option = new Option<string>(name, aliases)
        {
            Description = description,
            HelpName = string.Join('|', names),
            DefaultValueFactory = _ => defaultName,
            CustomParser = r => Parse(r, name, names, n => n),
        };
        option.CompletionSources.Add([.. names]);
        return option;
    }

    /// <summary>A typed option: <paramref name="map"/> turns a canonical name into its value.</summary>
    public static Option<T> Option<T>(string name, IReadOnlyList<string> names, Func<string, T> map, string description)
    {
        var option = new Option<T>(name)
        {
            Description = description,
            HelpName = string.Join('|', names),
            CustomParser = r => Parse(r, name, names, map),
        };
        option.CompletionSources.Add([.. names]);
        return option;
    }

    /// <summary>An argument with a fixed set of names, returned in canonical spelling.</summary>
    public static Argument<string> Argument(string name, IReadOnlyList<string> names, string defaultName, string description)
    {
        var argument = new Argument<string>(name)
        {
            Description = description,
            HelpName = string.Join('|', names),
            DefaultValueFactory = _ => defaultName,
            CustomParser = r => Parse(r, name, names, n => n),
        };
        argument.CompletionSources.Add([.. names]);
        return argument;
    }

    /// <summary>The canonical name <paramref name="text"/> spells, ignoring case and surrounding blanks; null when none.</summary>
    public static string? Canonical(string? text, IReadOnlyList<string> names) =>
        text is null ? null : names.FirstOrDefault(n => string.Equals(n, text.Trim(), StringComparison.OrdinalIgnoreCase));

    private static T Parse<T>(ArgumentResult result, string name, IReadOnlyList<string> names, Func<string, T> map)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (Canonical(text, names) is { } canonical) return map(canonical);
        result.AddError($"{name}: '{text}' is not one of {string.Join(", ", names)}");
        return default!;
    }
}
