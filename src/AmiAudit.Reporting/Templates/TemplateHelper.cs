namespace AmiAudit.Reporting.Templates;

/// <summary>
/// A helper a template calls as <c>{{name arg…}}</c>. <see cref="Body"/> gets the argument values
/// as Handlebars resolved them (model values, literals, or Handlebars' "undefined" for a missing
/// path). Its result is escaped like any value, unless <see cref="Raw"/>: then the helper has made
/// it safe for the output itself and it is written as is, even from <c>{{…}}</c>.
/// </summary>
internal sealed record TemplateHelper(string Name, Func<IReadOnlyList<object?>, string> Body, bool Raw = false);
