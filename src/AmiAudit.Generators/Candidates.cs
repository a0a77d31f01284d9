using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace AmiAudit.Generators;

/// <summary>Which classes of a compilation the generated code may list, and can construct with <c>new X()</c>.</summary>
internal static class Candidates
{
    /// <summary>Every type declared in this compilation (not its references), nested ones included.</summary>
    public static IEnumerable<INamedTypeSymbol> DeclaredTypes(Compilation compilation)
    {
        var pending = new Stack<INamespaceOrTypeSymbol>();
        pending.Push(compilation.Assembly.GlobalNamespace);
        while (pending.Count > 0)
        {
            var container = pending.Pop();
            foreach (var member in container.GetMembers())
            {
                if (member is INamespaceSymbol ns) pending.Push(ns);
                else if (member is INamedTypeSymbol type)
                {
                    yield return type;
                    pending.Push(type);
                }
            }
        }
    }

    /// <summary>
    /// A class <c>new X()</c> can make, given its parameterless constructor: concrete, not static, not generic
    /// (nor nested in a generic type), not file-local, and not leaving <c>required</c> members unset
    /// (<c>new X()</c> would not compile).
    /// </summary>
    public static IMethodSymbol? ParameterlessConstructor(INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class || type.IsAbstract || type.IsStatic || type.IsFileLocal || type.IsImplicitlyDeclared) return null;
        for (var t = type; t is not null; t = t.ContainingType)
            if (t.TypeParameters.Length > 0) return null;
        var ctor = type.InstanceConstructors.FirstOrDefault(c => c.Parameters.Length == 0);
        return ctor is null || LeavesRequiredMembersUnset(type, ctor) ? null : ctor;
    }

    public static bool IsEffectivelyPublic(INamedTypeSymbol type)
    {
        for (var t = type; t is not null; t = t.ContainingType)
            if (t.DeclaredAccessibility != Accessibility.Public) return false;
        return true;
    }

    /// <summary>True when <paramref name="type"/> implements the interface, or is or derives from the class.</summary>
    public static bool IsOrDerivesFrom(INamedTypeSymbol type, INamedTypeSymbol target)
    {
        if (target.TypeKind == TypeKind.Interface)
            return type.AllInterfaces.Contains(target, SymbolEqualityComparer.Default);
        for (var t = type; t is not null; t = t.BaseType)
            if (SymbolEqualityComparer.Default.Equals(t, target)) return true;
        return false;
    }

    /// <summary>Ordinal by the <c>global::</c>-qualified name, the same name the generated code writes.</summary>
    public static IReadOnlyList<string> SortedNames(IEnumerable<INamedTypeSymbol> types) =>
        types.Select(SourceWriter.TypeName).OrderBy(n => n, System.StringComparer.Ordinal).ToList();

    private static bool LeavesRequiredMembersUnset(INamedTypeSymbol type, IMethodSymbol ctor)
    {
        if (ctor.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "System.Diagnostics.CodeAnalysis.SetsRequiredMembersAttribute"))
            return false;
        for (var t = type; t is not null; t = t.BaseType)
            if (t.GetMembers().Any(m => m is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true }))
                return true;
        return false;
    }
}
