namespace System.Runtime.CompilerServices;

/// <summary>netstandard2.0 lacks the marker type that <c>init</c> accessors (and so records) compile against.</summary>
internal static class IsExternalInit;
