namespace AmiAudit.Reporting.Templates;

/// <summary>
/// One object of a template's view model: named members, each a template value (string, bool,
/// int, null, another <see cref="TemplateObject"/> or a <see cref="TemplateList"/>). Handlebars reads
/// it through <see cref="TemplateModelDescriptors"/> instead of reflection, because its reflection
/// member access (getters made with MakeGenericMethod) cannot run under NativeAOT. An anonymous
/// type or record slipped in here would take that path, so the setter refuses one at build time,
/// under the JIT too, where the golden tests see it.
/// Names match ignoring case, as Handlebars' reflection matched the anonymous types this replaced;
/// each member is set once, so two spellings of one name cannot silently shadow each other.
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

    /// <summary>The members in the order they were set (for <c>{{#each}}</c> over an object).</summary>
    internal Dictionary<string, object?> Members => _members;

    internal bool TryGet(string name, out object? value) => _members.TryGetValue(name, out value);

    /// <summary>As an anonymous type prints itself, which is what <c>{{obj}}</c> showed before these objects.</summary>
    public override string ToString() =>
        _members.Count == 0 ? "{ }" : "{ " + string.Join(", ", _members.Select(m => $"{m.Key} = {m.Value}")) + " }";
}
