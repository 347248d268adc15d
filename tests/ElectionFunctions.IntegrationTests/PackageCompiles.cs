namespace ElectionFunctions.IntegrationTests;

/// <summary>Classes that compile packages of the calendar's elections run one after another: concurrent compiles of one election answer 409 by design.</summary>
[CollectionDefinition(Name)]
public sealed class PackageCompiles
{
    public const string Name = "package compiles";
}
