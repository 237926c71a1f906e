"""The seed's sample answer, adapted to the API: namespaces and managers, but no checks behind them.

The managers accept everything (no id validation, no roles, no quotas), deployments are found by
id alone, usage is added in floats and rounded with round(), and the three gaps the seed names
(disaster recovery, performance monitoring, compliance) are left unimplemented.
"""

FAILS = {"l3_multi_tenancy", "l3_resource_management", "l3_security", "l3_cost_optimization",
         "l3_disaster_recovery", "l3_performance_monitoring", "l3_compliance"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import itertools

import pandas as pd


class ResourceManager:
    def __init__(self):
        self.limits = {}

    def set_limits(self, namespace, cpu, memory):
        self.limits[namespace] = {"cpu": cpu, "memory": memory}

    def has_capacity(self, tenant_id):
        return True


class SecurityManager:
    def __init__(self):
        self.policies = {}

    def create_policies(self, tenant_id, config):
        self.policies[tenant_id] = dict(config)

    def can_deploy(self, tenant_id, model_config):
        return tenant_id in self.policies


class CostOptimizer:
    def __init__(self):
        self.usage = {}
        self.deployments = {}
        self.counter = itertools.count(1)

    def track_tenant(self, tenant_id):
        self.usage[tenant_id] = [0.0, 0.0]

    def optimize_deployment(self, tenant_id, model_config):
        deployment_id = f"deployment-{next(self.counter)}"
        self.deployments[deployment_id] = model_config["model"]
        return deployment_id


class MultiTenantPlatform:
    def __init__(self, state_dir, cpu_hour_price=0.05, gib_hour_price=0.01):
        self.tenants = {}
        self.prices = (cpu_hour_price, gib_hour_price)
        self.resource_manager = ResourceManager()
        self.security_manager = SecurityManager()
        self.cost_optimizer = CostOptimizer()

    def create_tenant(self, tenant_id, config):
        # Set up isolated environment
        namespace = f"tenant-{tenant_id}"
        self.tenants[tenant_id] = namespace

        # Configure resource limits
        self.resource_manager.set_limits(
            namespace,
            cpu=config.get("cpu_limit", "4"),
            memory=config.get("memory_limit", "8Gi"),
        )

        # Set up security policies
        self.security_manager.create_policies(tenant_id, config)

        # Initialize cost tracking
        self.cost_optimizer.track_tenant(tenant_id)

        return namespace

    def grant(self, tenant_id, user, role):
        pass

    def deploy_model(self, tenant_id, user, model_config):
        # Validate tenant permissions
        if not self.security_manager.can_deploy(tenant_id, model_config):
            raise PermissionError("Insufficient permissions")

        # Check resource availability
        if not self.resource_manager.has_capacity(tenant_id):
            raise ResourceError("Insufficient resources")  # noqa: F821

        # Deploy with cost optimization
        return self.cost_optimizer.optimize_deployment(tenant_id, model_config)

    def predict(self, tenant_id, deployment_id, features):
        return self.cost_optimizer.deployments[deployment_id].predict(features)

    def record_usage(self, tenant_id, cpu_hours, memory_gib_hours):
        self.cost_optimizer.usage[tenant_id][0] += cpu_hours
        self.cost_optimizer.usage[tenant_id][1] += memory_gib_hours

    def cost_report(self):
        rows = [{"tenant_id": t, "cpu_hours": c, "memory_gib_hours": m,
                 "cost": round(c * self.prices[0] + m * self.prices[1], 2)}
                for t, (c, m) in self.cost_optimizer.usage.items()]
        return pd.DataFrame(rows, columns=["tenant_id", "cpu_hours", "memory_gib_hours", "cost"])

    def idle_deployments(self):
        return []

    def snapshot(self, path):
        raise NotImplementedError("no disaster recovery")

    @classmethod
    def restore(cls, path, state_dir):
        raise NotImplementedError("no disaster recovery")

    def audit_log(self):
        raise NotImplementedError("no compliance features")

    def verify_audit_log(self):
        raise NotImplementedError("no compliance features")

    def record_latency(self, tenant_id, ms):
        raise NotImplementedError("no performance monitoring")

    def latency_percentiles(self, tenant_id):
        raise NotImplementedError("no performance monitoring")
