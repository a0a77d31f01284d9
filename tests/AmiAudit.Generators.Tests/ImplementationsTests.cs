namespace AmiAudit.Generators.Tests;

public class ImplementationsTests
{
    private const string Hint = "Demo.Registry.All.g.cs";

    private const string Things = """
        namespace Demo;

        public interface IThing { }

        public sealed class Zeta : IThing { }
        internal sealed class Alpha : IThing { }
        public abstract class Base : IThing { }
        public class Derived : Base { }
        public sealed class NeedsArgument(int x) : IThing { public int X => x; }
        public sealed class Generic<T> : IThing { }
        public sealed class PrivateConstructor : IThing { private PrivateConstructor() { } }
        public sealed class Required : IThing { public required int X { get; init; } }
        public struct Valued : IThing { }
        public static class Unrelated { }
        public sealed class NotAThing { }
        public class Other { private sealed class HiddenElsewhere : IThing { } }
        """;

    private static string Registry(string attribute = "[Implementations]") => $$"""
        using System;
        using AmiAudit.Generated;

        namespace Demo;

        public static partial class Registry
        {
            private sealed class Nested : IThing { }

            {{attribute}}
            private static partial Func<IThing>[] All();
        }
        """;

    [Fact]
    public void Lists_every_constructible_implementation_the_method_can_reach_ordinal_by_name()
    {
        var run = GeneratorRun.Of(Things, Registry());
        run.Errors.ShouldBeEmpty();
        // Skipped: abstract, no parameterless constructor, generic, private constructor, required member,
        // struct, and a private class nested elsewhere (generated code cannot name it). Derived counts
        // through its base class; Alpha (internal) and Registry.Nested (private, but inside) are reachable.
        run.Constructed(Hint).ShouldBe(["global::Demo.Alpha", "global::Demo.Derived", "global::Demo.Registry.Nested", "global::Demo.Zeta"]);
    }

    [Fact]
    public void PublicOnly_keeps_public_classes_with_public_constructors()
    {
        var source = Things + "\npublic sealed class InternalConstructor : IThing { internal InternalConstructor() { } }\n";
        var run = GeneratorRun.Of(source, Registry("[Implementations(PublicOnly = true)]"));
        run.Errors.ShouldBeEmpty();
        run.Constructed(Hint).ShouldBe(["global::Demo.Derived", "global::Demo.Zeta"]);
    }

    [Fact]
    public void Output_does_not_depend_on_declaration_order()
    {
        var lines = Things.Split('\n');
        var reversed = string.Join('\n', lines.Take(3).Concat(lines.Skip(3).Reverse()));
        var forward = GeneratorRun.Of(Things, Registry()).Files[Hint];
        GeneratorRun.Of(Registry(), reversed).Files[Hint].ShouldBe(forward);
        forward.ShouldNotContain("\r");
    }

    [Fact]
    public void A_base_class_target_lists_its_derived_classes()
    {
        var source = Things + """

            public static partial class Bases
            {
                [AmiAudit.Generated.Implementations]
                internal static partial System.Func<Base>[] All();
            }
            """;
        var run = GeneratorRun.Of(source);
        run.Errors.ShouldBeEmpty();
        run.Constructed("Demo.Bases.All.g.cs").ShouldBe(["global::Demo.Derived"]);
    }

    [Fact]
    public void No_implementation_is_an_empty_array_that_compiles()
    {
        var run = GeneratorRun.Of("namespace Demo; public interface INone { }", """
            namespace Demo;
            public static partial class Registry
            {
                [AmiAudit.Generated.Implementations]
                public static partial System.Func<INone>[] All();
            }
            """);
        run.Errors.ShouldBeEmpty();
        run.Files[Hint].ShouldContain("global::System.Array.Empty<global::System.Func<global::Demo.INone>>()");
    }

    [Fact]
    public void Nested_and_global_namespace_containers_are_reopened_as_partial()
    {
        var run = GeneratorRun.Of("""
            public interface IGlobal { }
            public sealed class G : IGlobal { }
            public partial class Outer<T>
            {
                internal static partial class Inner
                {
                    [AmiAudit.Generated.Implementations]
                    internal static partial System.Func<IGlobal>[] All();
                }
            }
            """);
        run.Errors.ShouldBeEmpty();
        run.Constructed("Outer_T_.Inner.All.g.cs").ShouldBe(["global::G"]);
    }
}
