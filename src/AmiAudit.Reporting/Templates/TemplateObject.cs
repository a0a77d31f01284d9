namespace AmiAudit.Reporting.Templates;

/// <summary>
/// One object of a template's view model: named members, each a template value (string, bool,
/// int, null, another <see cref="TemplateObject"/> or a <see cref="TemplateList"/>).
/// <see cref="TemplateRenderer"/> copies it into a Scriban ScriptObject: under NativeAOT a plain .NET
/// object inside a ScriptObject loses its members without an error, so an anonymous type or record
/// slipped in here is refused when it is set — under the JIT too, where the golden tests see it.
/// Each member is set once, and two spellings of one name (ignoring case) are refused, so one cannot
/// silently shadow the other; templates name members exactly as they are set (camelCase).
/// </summary>
internal sealed class TemplateObject
{
    private readonly Dictionary<string, object?> _members = new(StringComparer.OrdinalIgnoreCase);

    public object? this[string name]
    {
        get => _members.TryGetValue(name, out var value) ? value : null;
        set
        {
            if (!_members.TryAdd(name, TemplateValue.Checked(value, name)))
                throw new InvalidOperationException($"template member \"{name}\" is set twice");
        }
    }

    /// <summary>The members in the order they were set (what <c>object.keys</c> lists in a template).</summary>
    internal Dictionary<string, object?> Members => _members;

    internal bool TryGet(string name, out object? value) => _members.TryGetValue(name, out value);

    /// <summary>As an anonymous type prints itself (for debugging and test messages).</summary>
    public override string ToString() =>
        _members.Count == 0 ? "{ }" : "{ " + string.Join(", ", _members.Select(m => $"{m.Key} = {m.Value}")) + " }";
}
