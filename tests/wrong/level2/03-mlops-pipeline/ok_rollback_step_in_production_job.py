"""No rollback job: the production job ends with a step that runs `kubectl rollout undo` if: failure().
A step's failure() sees only the earlier steps of its own job, so it fires exactly when this deployment
failed, on main, with the approved job's credentials."""

FAILS = set()
# ruff: noqa: E402, E501

import yaml


def build_workflow():
    return {'name': 'ML Pipeline',
            'on': {'push': {'branches': ['main']}, 'pull_request': {'branches': ['main']}},
            'permissions': {'contents': 'read'},
            'jobs': {'test': {'runs-on': 'ubuntu-latest',
                              'steps': [{'name': 'Check out the code', 'uses': 'actions/checkout@v4'},
                                        {'name': 'Set up Python',
                                         'uses': 'actions/setup-python@v5',
                                         'with': {'python-version': '3.12', 'cache': 'pip'}},
                                        {'name': 'Install dependencies',
                                         'run': 'pip install -r requirements.txt'},
                                        {'name': 'Install test tools',
                                         'run': 'pip install pytest pytest-cov ruff'},
                                        {'name': 'Lint', 'run': 'ruff check .'},
                                        {'name': 'Run unit tests with coverage',
                                         'run': 'pytest --cov=src --cov-report=term-missing '
                                                '--cov-fail-under=80 tests/'}]},
                     'security': {'runs-on': 'ubuntu-latest',
                                  'steps': [{'name': 'Check out the code', 'uses': 'actions/checkout@v4'},
                                            {'name': 'Set up Python',
                                             'uses': 'actions/setup-python@v5',
                                             'with': {'python-version': '3.12', 'cache': 'pip'}},
                                            {'name': 'Install scanners',
                                             'run': 'pip install pip-audit bandit'},
                                            {'name': 'Audit dependencies',
                                             'run': 'pip-audit -r requirements.txt'},
                                            {'name': 'Static analysis', 'run': 'bandit -r src -ll'}]},
                     'train': {'needs': ['test', 'security'],
                               'if': "github.ref == 'refs/heads/main'",
                               'runs-on': 'ubuntu-latest',
                               'steps': [{'name': 'Check out the code', 'uses': 'actions/checkout@v4'},
                                         {'name': 'Set up Python',
                                          'uses': 'actions/setup-python@v5',
                                          'with': {'python-version': '3.12', 'cache': 'pip'}},
                                         {'name': 'Install dependencies',
                                          'run': 'pip install -r requirements.txt'},
                                         {'name': 'Train model', 'run': 'python train.py'},
                                         {'name': 'Upload model',
                                          'uses': 'actions/upload-artifact@v4',
                                          'with': {'name': 'model', 'path': 'models/'}}]},
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
                                                     {'name': 'Set up Python',
                                                      'uses': 'actions/setup-python@v5',
                                                      'with': {'python-version': '3.12', 'cache': 'pip'}},
                                                     {'name': 'Install dependencies',
                                                      'run': 'pip install -r requirements.txt'},
                                                     {'name': 'Run integration tests',
                                                      'run': 'python integration_tests.py'}]},
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
                                                             'production --timeout=300s'},
                                                     {'name': 'Roll back production if the rollout failed',
                                                      'if': 'failure()',
                                                      'run': 'kubectl rollout undo deployment/model -n '
                                                             'production'}]}}}


def render_workflow():
    return yaml.safe_dump(build_workflow(), sort_keys=False)
