using System.Diagnostics.CodeAnalysis;
using HandlebarsDotNet;
using HandlebarsDotNet.IO;

namespace AmiAudit.Reporting.Templates;

/// <summary>
/// How Handlebars prints a whole object or list that a template writes as a value (<c>{{list}}</c>).
/// Its built-in collection formatter makes a generic type at run time, which NativeAOT cannot; this
/// one answers first and prints the same: items as values, joined by ",", and an object as its
/// <see cref="TemplateObject.ToString"/>. Scalars stay with Handlebars' own reflection-free formatters.
/// </summary>
internal sealed class TemplateModelFormatters : IFormatterProvider
{
    private static readonly IFormatter List = new ListFormatter();
    private static readonly IFormatter Object = new ObjectFormatter();

    public bool TryCreateFormatter(Type type, [NotNullWhen(true)] out IFormatter? formatter)
    {
        formatter = type == typeof(TemplateList) ? List : type == typeof(TemplateObject) ? Object : null;
        return formatter is not null;
    }

    private sealed class ListFormatter : IFormatter
    {
        public void Format<T>(T value, in EncodedTextWriter writer)
        {
            var list = (TemplateList)(object)value!;
            for (var i = 0; i < list.Count; i++)
            {
                writer.Write(list[i]);
                if (i != list.Count - 1) writer.Write(",", encode: false);
            }
        }
    }

    private sealed class ObjectFormatter : IFormatter
    {
        public void Format<T>(T value, in EncodedTextWriter writer) => writer.Write(value!.ToString());
    }
}
