using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace AmiAudit.Generators;

/// <summary><c>[Implementations] static partial Func&lt;T&gt;[] M();</c> → a factory per class implementing T.</summary>
internal static class ImplementationsMethod
{
    public static GeneratedMethod Generate(GeneratorAttributeSyntaxContext ctx, CancellationToken cancellationToken)
    {
        var method = (IMethodSymbol)ctx.TargetSymbol;
        var compilation = ctx.SemanticModel.Compilation;
        var hintName = SourceWriter.HintName(method);
        if (MethodShape.Check(ctx, method) is { } shape) return GeneratedMethod.Failed(hintName, shape);

        if (method.ReturnType is not IArrayTypeSymbol { Rank: 1, ElementType: var func }
            || !MethodShape.IsFunc(compilation, func, out var element)
            || element is not INamedTypeSymbol { TypeKind: TypeKind.Interface or TypeKind.Class } target)
            return GeneratedMethod.Failed(hintName, DiagnosticInfo.Create(Diagnostics.WrongImplementationsReturn,
                MethodShape.Location(ctx), method.ToDisplayString(), method.ReturnType.ToDisplayString()));

        var publicOnly = ctx.Attributes[0].NamedArguments.Any(a => a.Key == "PublicOnly" && a.Value.Value is true);
        var within = method.ContainingType;
        var types = Candidates.DeclaredTypes(compilation).Where(t =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!Candidates.IsOrDerivesFrom(t, target) || Candidates.ParameterlessConstructor(t) is not { } ctor) return false;
            // Only what the generated code can call: C# has no equivalent of Activator's nonPublic.
            return publicOnly
                ? Candidates.IsEffectivelyPublic(t) && ctor.DeclaredAccessibility == Accessibility.Public
                : compilation.IsSymbolAccessibleWithin(t, within) && compilation.IsSymbolAccessibleWithin(ctor, within);
        });
        var names = Candidates.SortedNames(types);

        var funcName = SourceWriter.TypeName(func);
        var expression = names.Count == 0
            ? $"global::System.Array.Empty<{funcName}>()"
            : $"new {funcName}[]\n{{\n{string.Concat(names.Select(n => $"    () => new {n}(),\n"))}}}";
        var summary = $"every class of this assembly that {(target.TypeKind == TypeKind.Interface ? "implements" : "is or derives from")} "
                      + $"{target.ToDisplayString()} and has a parameterless constructor{(publicOnly ? " (public types and constructors only)" : " callable here")}, "
                      + "ordinal by fully qualified name.";
        return GeneratedMethod.Ok(hintName, SourceWriter.Method(method, summary, expression));
    }
}
