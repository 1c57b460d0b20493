console.log('before the failure');
throw new Error('the example failed');
