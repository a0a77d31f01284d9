using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace AmiAudit.Generators;

/// <summary>
/// <c>[ParameterlessFactories(typeof(X))] static partial IReadOnlyDictionary&lt;Type, Func&lt;object&gt;&gt; M();</c>
/// → <c>[typeof(Y)] = () =&gt; new Y()</c> for each public class of X's namespace. For the JSON layer: source-generated
/// System.Text.Json metadata treats init-only properties as constructor parameters and writes default for keys a
/// file lacks; SnapshotDefaults fills those keys from what <c>new Y()</c> serialises to.
/// </summary>
internal static class ParameterlessFactoriesMethod
{
    public static GeneratedMethod Generate(GeneratorAttributeSyntaxContext ctx, CancellationToken cancellationToken)
    {
        var method = (IMethodSymbol)ctx.TargetSymbol;
        var compilation = ctx.SemanticModel.Compilation;
        var hintName = SourceWriter.HintName(method);
        if (MethodShape.Check(ctx, method) is { } shape) return GeneratedMethod.Failed(hintName, shape);

        if (!ReturnsTypeToFactoryMap(compilation, method.ReturnType))
            return Fail($"it returns '{method.ReturnType.ToDisplayString()}'");
        var arguments = ctx.Attributes[0].ConstructorArguments;
        if (arguments.Length != 1 || arguments[0] is not { Kind: TypedConstantKind.Type, Value: INamedTypeSymbol anchor }
            || anchor.TypeKind == TypeKind.Error)
            return Fail("the attribute's argument is not a type");

        var ns = anchor.ContainingNamespace.ToDisplayString();
        var types = Candidates.DeclaredTypes(compilation).Where(t =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            return t.ContainingNamespace.ToDisplayString() == ns && Candidates.IsEffectivelyPublic(t)
                   && Candidates.ParameterlessConstructor(t) is { DeclaredAccessibility: Accessibility.Public };
        });
        var names = Candidates.SortedNames(types);

        const string map = "global::System.Collections.Generic.Dictionary<global::System.Type, global::System.Func<object>>";
        var expression = $"new {map}({names.Count})\n{{\n{string.Concat(names.Select(n => $"    [typeof({n})] = () => new {n}(),\n"))}}}";
        var summary = $"every public class of this assembly in namespace {ns} with a public parameterless constructor, ordinal by name.";
        return GeneratedMethod.Ok(hintName, SourceWriter.Method(method, summary, expression));

        GeneratedMethod Fail(string why) => GeneratedMethod.Failed(hintName,
            DiagnosticInfo.Create(Diagnostics.WrongParameterlessFactories, MethodShape.Location(ctx), method.ToDisplayString(), why));
    }

    private static bool ReturnsTypeToFactoryMap(Compilation compilation, ITypeSymbol returnType) =>
        returnType is INamedTypeSymbol { Arity: 2 } map
        && SymbolEqualityComparer.Default.Equals(map.ConstructedFrom, compilation.GetTypeByMetadataName("System.Collections.Generic.IReadOnlyDictionary`2"))
        && SymbolEqualityComparer.Default.Equals(map.TypeArguments[0], compilation.GetTypeByMetadataName("System.Type"))
        && MethodShape.IsFunc(compilation, map.TypeArguments[1], out var created)
        && created.SpecialType == SpecialType.System_Object;
}
