using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using MissionConformance.Reference.Configuration;

namespace MissionConformance.Reference.Faults;

/// <summary>
/// A fault that changes how the AS is assembled rather than what a request meets at a hook: its own services, middleware ahead
/// of the endpoints, OpenIddict handlers added or removed, or which refresh tokens are rotated. The stack asks the active ones
/// (<see cref="FaultInstaller.StackFaults"/>) at each step of assembly; each member's default leaves the step as it is.
/// </summary>
public interface IStackFault
{
    void AddServices(IServiceCollection services) { }

    /// <summary>Middleware, after the unreadable-form guard and before the endpoints.</summary>
    void Use(IApplicationBuilder app) { }

    /// <summary>Runs after the stack registered its own OpenIddict handlers.</summary>
    void Configure(OpenIddictServerBuilder server) { }

    RefreshRotation Rotation(RefreshRotation rotation) => rotation;
}
