using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace MissionConformance.Harness.Engine;

/// <summary>
/// Where a type is written, read from its assembly's portable PDB (the first sequence point of its first method with a body),
/// as a path from the repository root. `list requirements ID` leads from an id to the files of its check and faults this way,
/// so no table of files is kept by hand.
/// </summary>
public static class SourceLocation
{
    private static readonly ConcurrentDictionary<Assembly, MetadataReaderProvider?> Pdbs = new();

    private static readonly string[] Roots = ["harness", "suites", "reference", "cli", "tests"];

    /// <summary>"suites/…/Checks/Par.cs:42", or null when the assembly was built without a PDB beside it.</summary>
    public static string? Of(Type type)
    {
        var provider = Pdbs.GetOrAdd(type.Assembly, Open);
        if (provider is null) return null;
        var reader = provider.GetMetadataReader();
        var methods = type.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
            .Cast<MethodBase>()
            .Concat(type.GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            .Concat(type.GetProperties(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Select(p => p.GetMethod).OfType<MethodBase>());
        // An async method's body is its state machine's MoveNext.
        methods = methods.Select(m => m.GetCustomAttribute<System.Runtime.CompilerServices.StateMachineAttribute>()?.StateMachineType
            .GetMethod("MoveNext", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public) ?? m);
        foreach (var method in methods)
        {
            var handle = MetadataTokens.MethodDebugInformationHandle(method.MetadataToken);
            foreach (var point in reader.GetMethodDebugInformation(handle).GetSequencePoints())
            {
                if (point.IsHidden) continue;
                return Relative(reader.GetString(reader.GetDocument(point.Document).Name)) + ":" + point.StartLine.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        // A type with no code of its own (a fault that only names its base's behaviour) is written beside that base.
        return type.BaseType is { } baseType && baseType.Assembly == type.Assembly ? Of(baseType) : null;
    }

    /// <summary>From the repository's top-level folder: the one of ours followed by a MissionConformance.* project, wherever the clone is.</summary>
    private static string Relative(string path)
    {
        var parts = path.Replace('\\', '/').Split('/');
        for (var i = parts.Length - 2; i >= 0; i--)
        {
            if (Roots.Contains(parts[i]) && parts[i + 1].StartsWith("MissionConformance.", StringComparison.Ordinal)) return string.Join('/', parts[i..]);
        }
        return path;
    }

    private static MetadataReaderProvider? Open(Assembly assembly)
    {
        var pdb = Path.ChangeExtension(assembly.Location, ".pdb");
        if (string.IsNullOrEmpty(assembly.Location) || !File.Exists(pdb)) return null;
        try
        {
            return MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(pdb));
        }
        catch (BadImageFormatException)
        {
            return null;
        }
    }
}
