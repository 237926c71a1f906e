"""Writes the workflow as YAML text by hand (with an unquoted on: key) and parses it in build_workflow:
PyYAML reads `on` as True, GitHub and the schema read it as "on"; both are accepted."""

FAILS = set()
# ruff: noqa: E402, E501

import yaml

WORKFLOW = """\
# The ML pipeline: CI on every pull request, CD from main.
name: ML Pipeline
on:
  push:
    branches:
    - main
  pull_request:
    branches:
    - main
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
    - &id001
      name: Check out the code
      uses: actions/checkout@v4
    - &id002
      name: Set up Python
      uses: actions/setup-python@v5
      with:
        python-version: '3.12'
        cache: pip
    - &id003
      name: Install dependencies
      run: pip install -r requirements.txt
    - name: Install test tools
      run: pip install pytest pytest-cov ruff
    - name: Lint
      run: ruff check .
    - name: Run unit tests with coverage
      run: pytest --cov=src --cov-report=term-missing --cov-fail-under=80 tests/
  security:
    runs-on: ubuntu-latest
    steps:
    - *id001
    - *id002
    - name: Install scanners
      run: pip install pip-audit bandit
    - name: Audit dependencies
      run: pip-audit -r requirements.txt
    - name: Static analysis
      run: bandit -r src -ll
  train:
    needs:
    - test
    - security
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    steps:
    - *id001
    - *id002
    - *id003
    - name: Train model
      run: python train.py
    - name: Upload model
      uses: actions/upload-artifact@v4
      with:
        name: model
        path: models/
  deploy-staging:
    needs: train
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    environment: staging
    steps:
    - *id001
    - name: Download model
      uses: actions/download-artifact@v4
      with:
        name: model
        path: models/
    - name: Deploy to staging
      run: kubectl apply -f k8s/staging/
  integration-tests:
    needs: deploy-staging
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    steps:
    - *id001
    - *id002
    - *id003
    - name: Run integration tests
      run: python integration_tests.py
  deploy-production:
    needs: integration-tests
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-latest
    environment: production
    steps:
    - *id001
    - name: Download model
      uses: actions/download-artifact@v4
      with:
        name: model
        path: models/
    - name: Deploy to production
      run: kubectl apply -f k8s/production/
    - name: Wait for the rollout
      run: kubectl rollout status deployment/model -n production --timeout=300s
  rollback:
    needs: deploy-production
    if: ${{ always() && needs.deploy-production.result == 'failure' }}
    runs-on: ubuntu-latest
    steps:
    - name: Roll back production
      run: kubectl rollout undo deployment/model -n production
"""


def build_workflow():
    return yaml.safe_load(WORKFLOW)


def render_workflow():
    return WORKFLOW
