namespace AmiAudit.Reporting.Templates;

/// <summary>
/// A function a template calls as <c>{{ name arg… }}</c>. <see cref="Body"/> gets the argument values
/// as Scriban evaluated them (model values, literals, or null for a missing member). Its result is
/// escaped like any value, unless <see cref="Raw"/>: then the helper has made it safe for the output
/// itself and it is written as is.
/// </summary>
internal sealed record TemplateHelper(string Name, Func<IReadOnlyList<object?>, string> Body, bool Raw = false);
