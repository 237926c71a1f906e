"""The seed's own sample answer, adapted as little as possible: the module-level app and model
moved into create_app(model) and pickle loading into load_model(path); nothing else changed (it has
no GET /health, which no criterion requires). As the seed judges it,
it loads the model, serves predictions as JSON and turns errors into JSON (with a bare except that
leaks str(e) and turns server bugs into 400s), but predicts on NaN and booleans, has no
authentication, no logging and no batch form."""

FAILS = {"l1_input_validation", "l1_authentication", "l1_request_logging", "l1_batch_predictions"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import pickle

import numpy as np
from flask import Flask, jsonify, request


def load_model(path):
    with open(path, 'rb') as f:
        return pickle.load(f)


def create_app(model, api_keys=None):
    app = Flask(__name__)

    @app.route('/predict', methods=['POST'])
    def predict():
        try:
            data = request.get_json()
            features = np.array(data['features']).reshape(1, -1)

            prediction = model.predict(features)[0]
            probability = model.predict_proba(features)[0].max()

            return jsonify({
                'prediction': float(prediction),
                'confidence': float(probability)
            })
        except Exception as e:
            return jsonify({'error': str(e)}), 400

    return app
