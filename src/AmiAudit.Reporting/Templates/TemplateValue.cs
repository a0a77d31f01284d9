namespace AmiAudit.Reporting.Templates;

/// <summary>The closed set of values a template model may hold: the types <see cref="TemplateRenderer"/> turns
/// into Scriban values without reflection. Reporters format numbers, dates and enums to strings themselves.</summary>
internal static class TemplateValue
{
    public static bool IsAllowed(object? value) =>
        value is null or string or bool or int or TemplateObject or TemplateList;

    public static object? Checked(object? value, string where) => IsAllowed(value) ? value : throw Refused(value!, where);

    public static ArgumentException Refused(object value, string where) => new(
        $"template value {where} is a {value.GetType()}; a template model holds only string, bool, int, " +
        $"{nameof(TemplateObject)} and {nameof(TemplateList)} (Scriban would read anything else by reflection, which loses members under NativeAOT)",
        nameof(value));
}
