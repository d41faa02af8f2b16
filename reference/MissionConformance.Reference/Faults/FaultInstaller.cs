using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using MissionConformance.Reference.Seams;

namespace MissionConformance.Reference.Faults;

/// <summary>
/// Marks a class as what a named fault does, a hook (<see cref="Hooks{THook}"/>) registered only while the fault is active, and
/// describes the fault: what it breaks and the requirement ids whose checks it must make fail (its <see cref="FaultDescriptor"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class FaultHookAttribute(Fault fault, string breaks, params string[] requirementIds) : Attribute
{
    private Configuration.Variant? _under;

    public Fault Fault { get; } = fault;

    public string Breaks { get; } = breaks;

    public IReadOnlyList<string> RequirementIds { get; } = requirementIds;

    /// <summary>The server the fault belongs to: the Authorization Server unless named.</summary>
    public FaultSite Site { get; set; } = FaultSite.AuthorizationServer;

    /// <summary>The variant the fault lives in (<see cref="FaultDescriptor.Under"/>), when it has one.</summary>
    public Configuration.Variant Under
    {
        get => _under ?? default;
        set => _under = value;
    }

    public FaultDescriptor Descriptor => new(Fault, Breaks, RequirementIds, Site) { Under = _under };
}

/// <summary>
/// Registers the hooks of the active faults, each as every hook interface it implements, so that the correct code, which only
/// runs <see cref="Hooks{THook}"/> at its named points, never asks which fault is active.
/// </summary>
public static class FaultInstaller
{
    private static readonly (FaultHookAttribute Attribute, Type Type)[] Hooked = [.. typeof(FaultInstaller).Assembly.GetTypes()
        .Select(t => (Attribute: t.GetCustomAttribute<FaultHookAttribute>(), Type: t))
        .Where(t => t.Attribute is not null)
        .Select(t => (t.Attribute!, t.Type))];

    private static readonly (Fault Fault, Type Type)[] Registered = [.. Hooked.Select(h => (h.Attribute.Fault, h.Type))];

    /// <summary>What each fault's hook class says of it: the catalogue (<see cref="FaultCatalogue"/>).</summary>
    public static IEnumerable<FaultDescriptor> Descriptors => Hooked.Select(h => h.Attribute.Descriptor);

    public static IServiceCollection AddHooks(this IServiceCollection services, FaultSet faults)
    {
        services.AddSingleton(typeof(Hooks<>));
        foreach (var (fault, type) in Registered.Where(r => faults.Has(r.Fault)))
        {
            foreach (var hook in type.GetInterfaces().Where(i => i.Assembly == type.Assembly && i != typeof(IStackFault)))
            {
                services.AddSingleton(hook, type);
            }
        }
        return services;
    }

    /// <summary>The hooks of kind <typeparamref name="THook"/> of the active faults, for a server assembled without the container.</summary>
    public static Hooks<THook> HooksFor<THook>(FaultSet faults) where THook : class
        => new([.. Registered.Where(r => faults.Has(r.Fault) && typeof(THook).IsAssignableFrom(r.Type)).Select(r => (THook)Activator.CreateInstance(r.Type)!)]);

    /// <summary>The active faults that change how the AS is assembled, each a new instance.</summary>
    public static IReadOnlyList<IStackFault> StackFaults(FaultSet faults)
        => [.. Registered.Where(r => faults.Has(r.Fault) && typeof(IStackFault).IsAssignableFrom(r.Type)).Select(r => (IStackFault)Activator.CreateInstance(r.Type)!)];

    /// <summary>The classes that are <paramref name="fault"/>.</summary>
    public static IReadOnlyList<Type> HookTypes(Fault fault) => [.. Registered.Where(r => r.Fault == fault).Select(r => r.Type)];

    /// <summary>The faults that have a hook class.</summary>
    public static IReadOnlyCollection<Fault> HookedFaults => [.. Registered.Select(r => r.Fault)];
}
