"""The seed's sample workflow, returned as a dict: tests, training, staging and integration tests on main, but
no production job, no rollback, no security scanning, v2 actions and no coverage gate."""

FAILS = {"l2_modern_workflow", "l2_pipeline_rollback", "l2_production_deployment", "l2_security_scanning"}
# ruff: noqa: E402, E501

import yaml


def build_workflow():
    return {'name': 'ML Pipeline',
            'on': {'push': {'branches': ['main']}, 'pull_request': {'branches': ['main']}},
            'jobs': {'test': {'runs-on': 'ubuntu-latest',
                              'steps': [{'uses': 'actions/checkout@v2'},
                                        {'name': 'Set up Python',
                                         'uses': 'actions/setup-python@v2',
                                         'with': {'python-version': 3.9}},
                                        {'name': 'Install dependencies',
                                         'run': 'pip install -r requirements.txt\n'
                                                'pip install pytest pytest-cov\n'},
                                        {'name': 'Run tests', 'run': 'pytest --cov=src tests/\n'},
                                        {'name': 'Upload coverage',
                                         'uses': 'codecov/codecov-action@v1'}]},
                     'train': {'needs': 'test',
                               'runs-on': 'ubuntu-latest',
                               'if': "github.ref == 'refs/heads/main'",
                               'steps': [{'name': 'Train model', 'run': 'python train.py\n'},
                                         {'name': 'Deploy to staging',
                                          'run': 'kubectl apply -f k8s/staging/\n'},
                                         {'name': 'Run integration tests',
                                          'run': 'python integration_tests.py\n'}]}}}


def render_workflow():
    return yaml.safe_dump(build_workflow(), sort_keys=False)
