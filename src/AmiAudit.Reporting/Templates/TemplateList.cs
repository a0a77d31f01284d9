using System.Collections.ObjectModel;

namespace AmiAudit.Reporting.Templates;

/// <summary>
/// A list in a template's view model; every item is a template value (see <see cref="TemplateObject"/>),
/// checked as it is added. <see cref="TemplateRenderer"/> hands it to the template as a ScriptArray.
/// </summary>
internal sealed class TemplateList : Collection<object?>
{
    public TemplateList() { }

    public TemplateList(IEnumerable<object?> items)
    {
        foreach (var item in items) Add(item);
    }

    protected override void InsertItem(int index, object? item) => base.InsertItem(index, Checked(index, item));

    protected override void SetItem(int index, object? item) => base.SetItem(index, Checked(index, item));

    // The "[i]" for the message is built only when it is needed: lists are filled item by item.
    private static object? Checked(int index, object? item) =>
        TemplateValue.IsAllowed(item) ? item : throw TemplateValue.Refused(item!, $"[{index}]");
}

internal static class TemplateListExtensions
{
    public static TemplateList ToTemplateList(this IEnumerable<object?> items) => new(items);
}
