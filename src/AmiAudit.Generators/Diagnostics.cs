using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace AmiAudit.Generators;

/// <summary>
/// Misuse of the attributes is a build error with a message saying what shape is wanted: without it the
/// only error would be the compiler's "partial method must have an implementation part".
/// </summary>
internal static class Diagnostics
{
    private const string Category = "AmiAudit.Generators";

    public static readonly DiagnosticDescriptor WrongShape = new(
        "AMIGEN001",
        "Generated factory method has the wrong shape",
        "'{0}' must be declared 'static partial' with no parameters, no type parameters and no body, so AmiAudit.Generators can supply its body",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor WrongImplementationsReturn = new(
        "AMIGEN002",
        "[Implementations] method has the wrong return type",
        "'{0}' must return System.Func<T>[], where T is the interface or base class whose implementations it lists; it returns '{1}'",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor WrongParameterlessFactories = new(
        "AMIGEN003",
        "[ParameterlessFactories] method has the wrong return type or argument",
        "'{0}' must return System.Collections.Generic.IReadOnlyDictionary<System.Type, System.Func<object>> and name a type with typeof(...); {1}",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}

/// <summary>
/// A diagnostic held as plain values: a <see cref="Location"/> keeps its syntax tree alive and never
/// compares equal across compilations, which would defeat the incremental cache.
/// </summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, string FilePath, TextSpan Span, LinePositionSpan LineSpan, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] arguments)
    {
        var lineSpan = location?.GetLineSpan() ?? default;
        return new DiagnosticInfo(descriptor, lineSpan.Path ?? "", location?.SourceSpan ?? default, lineSpan.Span,
            new EquatableArray<string>(arguments.ToImmutableArray()));
    }

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptor, FilePath.Length == 0 ? Location.None : Location.Create(FilePath, Span, LineSpan),
            Arguments.Cast<object>().ToArray());
}
