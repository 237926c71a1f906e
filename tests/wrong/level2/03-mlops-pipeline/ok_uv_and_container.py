"""No actions/setup-python: the test job uses astral-sh/setup-uv and `uv run`, the other Python jobs run
in a python:3.12-slim container. Both are current and correct; only actions that are used must be
current."""

FAILS = set()
# ruff: noqa: E402, E501

import yaml


def build_workflow():
    return {'name': 'ML Pipeline',
            'on': {'push': {'branches': ['main']}, 'pull_request': {'branches': ['main']}},
            'permissions': {'contents': 'read'},
            'jobs': {'test': {'runs-on': 'ubuntu-latest',
                              'steps': [{'name': 'Check out the code', 'uses': 'actions/checkout@v4'},
                                        {'name': 'Set up uv',
                                         'uses': 'astral-sh/setup-uv@v6',
                                         'with': {'python-version': '3.12'}},
                                        {'name': 'Lint', 'run': 'uv run --with ruff ruff check .'},
                                        {'name': 'Run unit tests with coverage',
                                         'run': 'uv run --with pytest --with pytest-cov --with-requirements '
                                                'requirements.txt pytest --cov=src --cov-fail-under=80 '
                                                'tests/'}]},
                     'security': {'runs-on': 'ubuntu-latest',
                                  'steps': [{'name': 'Check out the code', 'uses': 'actions/checkout@v4'},
                                            {'name': 'Install scanners',
                                             'run': 'pip install pip-audit bandit'},
                                            {'name': 'Audit dependencies',
                                             'run': 'pip-audit -r requirements.txt'},
                                            {'name': 'Static analysis', 'run': 'bandit -r src -ll'}],
                                  'container': 'python:3.12-slim'},
                     'train': {'needs': ['test', 'security'],
                               'if': "github.ref == 'refs/heads/main'",
                               'runs-on': 'ubuntu-latest',
                               'steps': [{'name': 'Check out the code', 'uses': 'actions/checkout@v4'},
                                         {'name': 'Install dependencies',
                                          'run': 'pip install -r requirements.txt'},
                                         {'name': 'Train model', 'run': 'python train.py'},
                                         {'name': 'Upload model',
                                          'uses': 'actions/upload-artifact@v4',
                                          'with': {'name': 'model', 'path': 'models/'}}],
                               'container': 'python:3.12-slim'},
                     'deploy-staging': {'needs': 'train',
                                        'if': "github.ref == 'refs/heads/main'",
                                        'runs-on': 'ubuntu-latest',
                                        'environment': 'staging',
                                        'steps': [{'name': 'Check out the code',
                                                   'uses': 'actions/checkout@v4'},
                                                  {'name': 'Download model',
                                                   'uses': 'actions/download-artifact@v4',
                                                   'with': {'name': 'model', 'path': 'models/'}},
                                                  {'name': 'Deploy to staging',
                                                   'run': 'kubectl apply -f k8s/staging/'}]},
                     'integration-tests': {'needs': 'deploy-staging',
                                           'if': "github.ref == 'refs/heads/main'",
                                           'runs-on': 'ubuntu-latest',
                                           'steps': [{'name': 'Check out the code',
                                                      'uses': 'actions/checkout@v4'},
                                                     {'name': 'Install dependencies',
                                                      'run': 'pip install -r requirements.txt'},
                                                     {'name': 'Run integration tests',
                                                      'run': 'python integration_tests.py'}],
                                           'container': 'python:3.12-slim'},
                     'deploy-production': {'needs': 'integration-tests',
                                           'if': "github.ref == 'refs/heads/main'",
                                           'runs-on': 'ubuntu-latest',
                                           'environment': 'production',
                                           'concurrency': {'group': 'production', 'cancel-in-progress': False},
                                           'steps': [{'name': 'Check out the code',
                                                      'uses': 'actions/checkout@v4'},
                                                     {'name': 'Download model',
                                                      'uses': 'actions/download-artifact@v4',
                                                      'with': {'name': 'model', 'path': 'models/'}},
                                                     {'name': 'Deploy to production',
                                                      'run': 'kubectl apply -f k8s/production/'},
                                                     {'name': 'Wait for the rollout',
                                                      'run': 'kubectl rollout status deployment/model -n '
                                                             'production --timeout=300s'}]},
                     'rollback': {'needs': 'deploy-production',
                                  'if': "failure() && needs.deploy-production.result == 'failure'",
                                  'runs-on': 'ubuntu-latest',
                                  'environment': 'production',
                                  'concurrency': {'group': 'production', 'cancel-in-progress': False},
                                  'steps': [{'name': 'Roll back production',
                                             'run': 'kubectl rollout undo deployment/model -n production'}]}}}


def render_workflow():
    return yaml.safe_dump(build_workflow(), sort_keys=False)
