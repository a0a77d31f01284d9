using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using HandlebarsDotNet;
using HandlebarsDotNet.Compiler;
using HandlebarsDotNet.Iterators;
using HandlebarsDotNet.MemberAccessors;
using HandlebarsDotNet.ObjectDescriptors;
using HandlebarsDotNet.PathStructure;

namespace AmiAudit.Reporting.Templates;

/// <summary>
/// Tells Handlebars how to read a template model (<see cref="TemplateValue"/>) without reflection.
/// Handlebars asks its providers newest-first, so this one, added to the configuration, answers
/// before the built-in reflection-based ones for every type a model can hold. Any other type means
/// a value reached the template around <see cref="TemplateObject"/>'s checks; that throws, under the
/// JIT as well, instead of quietly working there and failing only in the NativeAOT binary.
/// Handlebars' own types (e.g. the "undefined" of an unresolved path) are left to Handlebars.
/// </summary>
internal sealed class TemplateModelDescriptors : IObjectDescriptorProvider
{
    private static readonly string[] NoMembers = [];

    // Built once: the iterators are generic over concrete types named here, so NativeAOT compiles them ahead of time.
    private static readonly ObjectDescriptor ForObject = new(
        typeof(TemplateObject), new ObjectMembers(), (_, o) => ((TemplateObject)o).Members.Keys, _ => new MembersIterator(o => ((TemplateObject)o).Members));

    private static readonly ObjectDescriptor ForList = new(
        typeof(TemplateList), new ListMembers(), (_, _) => NoMembers, _ => new ListIterator<TemplateList>());

    private static readonly ObjectDescriptor ForString = Leaf(typeof(string));
    private static readonly ObjectDescriptor ForBool = Leaf(typeof(bool));
    private static readonly ObjectDescriptor ForInt = Leaf(typeof(int));

    public bool TryGetDescriptor(Type type, [NotNullWhen(true)] out ObjectDescriptor? value)
    {
        value = type == typeof(TemplateObject) ? ForObject
            : type == typeof(TemplateList) ? ForList
            : type == typeof(string) ? ForString
            : type == typeof(bool) ? ForBool
            : type == typeof(int) ? ForInt
            : null;
        if (value is not null) return true;
        if (type.Assembly == typeof(IObjectDescriptorProvider).Assembly) return false;
        throw new InvalidOperationException(
            $"a template was handed a {type}; build template models from {nameof(TemplateObject)} and {nameof(TemplateList)} " +
            "(Handlebars would read this type by reflection, which NativeAOT cannot run)");
    }

    /// <summary>What Handlebars' reflection showed of a scalar: a string's <c>Length</c>, nothing of a bool
    /// or an int. Kept so a restyled template that reads <c>{{name.length}}</c> renders as it did.</summary>
    private static ObjectDescriptor Leaf(Type type) =>
        new(type, new LeafMembers(), (_, o) => LeafMembers.Of(o).Keys, _ => new MembersIterator(LeafMembers.Of));

    private sealed class ObjectMembers : IMemberAccessor
    {
        public bool TryGetValue(object instance, ChainSegment memberName, out object? value) =>
            ((TemplateObject)instance).TryGet(memberName.TrimmedValue, out value);
    }

    /// <summary><c>list.[0]</c> and <c>list.count</c>: what Handlebars offered for the lists this
    /// replaced (an index, and List's Count by reflection; <c>length</c> needs a feature we do not enable).</summary>
    private sealed class ListMembers : IMemberAccessor
    {
        public bool TryGetValue(object instance, ChainSegment memberName, out object? value)
        {
            var list = (TemplateList)instance;
            var name = memberName.TrimmedValue;
            if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                var found = index < list.Count;
                value = found ? list[index] : null;
                return found;
            }
            if (name.Equals("count", StringComparison.OrdinalIgnoreCase))
            {
                value = list.Count;
                return true;
            }
            value = null;
            return false;
        }
    }

    private sealed class LeafMembers : IMemberAccessor
    {
        private static readonly Dictionary<string, object?> None = [];

        public static Dictionary<string, object?> Of(object leaf) =>
            leaf is string s ? new(StringComparer.OrdinalIgnoreCase) { ["Length"] = s.Length } : None;

        public bool TryGetValue(object instance, ChainSegment memberName, out object? value) =>
            Of(instance).TryGetValue(memberName.TrimmedValue, out value);
    }

    /// <summary><c>{{#each x}}</c> over an object (or a scalar) walks its members in order, with <c>@key</c>.</summary>
    private sealed class MembersIterator(Func<object, Dictionary<string, object?>> members) : IIterator
    {
        private static readonly DictionaryIterator<Dictionary<string, object?>, string, object?> Members = new();

        public void Iterate(in EncodedTextWriter writer, BindingContext context, ChainSegment[] blockParamsVariables,
            object input, TemplateDelegate template, TemplateDelegate ifEmpty) =>
            Members.Iterate(writer, context, blockParamsVariables, members(input), template, ifEmpty);
    }
}
