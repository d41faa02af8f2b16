using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using MissionConformance.Reference.Seams;

namespace MissionConformance.Reference.Faults;

/// <summary>Marks a class as what a named fault does: a hook (<see cref="Hooks{THook}"/>) registered only while the fault is active.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class FaultHookAttribute(Fault fault) : Attribute
{
    public Fault Fault { get; } = fault;
}

/// <summary>
/// Registers the hooks of the active faults, each as every hook interface it implements, so that the correct code, which only
/// runs <see cref="Hooks{THook}"/> at its named points, never asks which fault is active.
/// </summary>
public static class FaultInstaller
{
    private static readonly (Fault Fault, Type Type)[] Registered = [.. typeof(FaultInstaller).Assembly.GetTypes()
        .Select(t => (Attribute: t.GetCustomAttribute<FaultHookAttribute>(), Type: t))
        .Where(t => t.Attribute is not null)
        .Select(t => (t.Attribute!.Fault, t.Type))];

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

    /// <summary>The faults that are hooks (the others are still conditionals of the code they break, or seams of their own).</summary>
    public static IReadOnlyCollection<Fault> Hooked => [.. Registered.Select(r => r.Fault)];
}
